'use client';

import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useT } from '@/i18n/i18n-provider';
import styles from './drawer.module.css';

export interface DrawerProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Buttons at the bottom (e.g. Cancel / Save). */
  footer?: ReactNode;
  /** Modal drawers dim the page and keep focus inside; non-modal ones leave the page usable. */
  modal?: boolean;
  width?: string;
}

/** A panel from the right for editing one thing without losing the page behind it. */
export function Drawer({ open, title, onClose, children, footer, modal = true, width = '28rem' }: DrawerProps) {
  const t = useT();
  const titleId = useId();
  const panel = useRef<HTMLElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement as HTMLElement | null;
    const first = panel.current?.querySelector<HTMLElement>('input, select, textarea, button:not([data-close])');
    (first ?? panel.current)?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        onCloseRef.current();
      }
    };
    panel.current?.addEventListener('keydown', onKey);
    const node = panel.current;
    return () => {
      node?.removeEventListener('keydown', onKey);
      if (modal) previous?.focus?.();
    };
  }, [open, modal]);

  if (!open) return null;
  return (
    <>
      {modal ? <div className={styles.backdrop} onClick={onClose} aria-hidden="true" /> : null}
      <aside
        ref={panel}
        className={styles.drawer}
        role="dialog"
        aria-modal={modal || undefined}
        aria-labelledby={titleId}
        tabIndex={-1}
        style={{ width }}
      >
        <header className={styles.header}>
          <h2 id={titleId} className={styles.title}>
            {title}
          </h2>
          <button type="button" className={styles.close} onClick={onClose} aria-label={t('common.close')} data-close>
            ×
          </button>
        </header>
        <div className={styles.body}>{children}</div>
        {footer ? <footer className={styles.footer}>{footer}</footer> : null}
      </aside>
    </>
  );
}
