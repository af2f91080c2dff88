'use client';

import { useCallback, useMemo, useRef, useState } from 'react';
import { canRedo, canUndo, commit, createHistory, type History, redo, undo } from '../model/history';
import { type EditorDoc, EMPTY_DOC } from '../model/types';

/** The editor document with undo/redo; every `apply` is one undoable step. */
export function useEditorHistory(initial: () => EditorDoc = () => EMPTY_DOC) {
  const [history, setHistory] = useState<History<EditorDoc>>(() => createHistory(initial()));
  // The latest document, for event handlers that must not re-subscribe on every change.
  const latest = useRef(history.present);
  latest.current = history.present;

  const apply = useCallback((change: (doc: EditorDoc) => EditorDoc) => {
    setHistory((current) => commit(current, change(current.present)));
  }, []);
  const reset = useCallback((doc: EditorDoc) => setHistory(createHistory(doc)), []);
  const onUndo = useCallback(() => setHistory(undo), []);
  const onRedo = useCallback(() => setHistory(redo), []);

  return useMemo(
    () => ({
      doc: history.present,
      latest,
      apply,
      reset,
      undo: onUndo,
      redo: onRedo,
      canUndo: canUndo(history),
      canRedo: canRedo(history),
    }),
    [history, apply, reset, onUndo, onRedo],
  );
}

export type EditorHistory = ReturnType<typeof useEditorHistory>;
