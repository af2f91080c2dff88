'use client';

import { useCallback, useEffect, useState } from 'react';
import { useT } from '@/i18n/i18n-provider';
import styles from './editor.module.css';

const TOAST_MS = 6000;

export interface Toast {
  message: string;
  tone: 'error' | 'info';
}

/** One message at a time (a refused edge, a failed save), gone after a few seconds. */
export function useToast() {
  const [toast, setToast] = useState<Toast>();
  const showToast = useCallback((message: string, tone: Toast['tone'] = 'error') => setToast({ message, tone }), []);
  const dismiss = useCallback(() => setToast(undefined), []);
  useEffect(() => {
    if (!toast) return;
    const timer = window.setTimeout(() => setToast(undefined), TOAST_MS);
    return () => window.clearTimeout(timer);
  }, [toast]);
  return { toast, showToast, dismiss };
}

export function EditorToast({ toast, onDismiss }: { toast?: Toast; onDismiss: () => void }) {
  const t = useT();
  if (!toast) return null;
  return (
    <div className={styles.toast} data-tone={toast.tone} role={toast.tone === 'error' ? 'alert' : 'status'}>
      <span>{toast.message}</span>
      <button type="button" onClick={onDismiss} aria-label={t('common.close')}>
        ×
      </button>
    </div>
  );
}
