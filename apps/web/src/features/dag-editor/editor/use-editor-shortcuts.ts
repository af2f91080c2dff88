'use client';

import { useEffect, useRef } from 'react';

export interface EditorShortcutHandlers {
  undo: () => void;
  redo: () => void;
  copy: () => void;
  paste: () => void;
  selectAll: () => void;
  save: () => void;
  add: () => void;
  layout: () => void;
  help: () => void;
}

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  const tag = element.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || element.isContentEditable;
}

/** Editor keyboard shortcuts (the `?` panel lists them); typing in a field is left alone. */
export function useEditorShortcuts(handlers: EditorShortcutHandlers, enabled: boolean): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const h = ref.current;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 's') {
        event.preventDefault();
        h.save();
        return;
      }
      if (isTyping(event.target) || event.altKey) return;
      if (mod && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) h.redo();
        else h.undo();
      } else if (mod && key === 'y') {
        event.preventDefault();
        h.redo();
      } else if (mod && key === 'c') {
        h.copy();
      } else if (mod && key === 'v') {
        event.preventDefault();
        h.paste();
      } else if (mod && key === 'a') {
        event.preventDefault();
        h.selectAll();
      } else if (!mod && event.key === '?') {
        event.preventDefault();
        h.help();
      } else if (!mod && !event.shiftKey && key === 'a') {
        event.preventDefault();
        h.add();
      } else if (!mod && !event.shiftKey && key === 'l') {
        event.preventDefault();
        h.layout();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
