'use client';

import { Drawer } from '@/components/ui/drawer';
import { useT } from '@/i18n/i18n-provider';
import type { MessageKey } from '@/i18n/locales';
import styles from './editor.module.css';

const SHORTCUTS: ReadonlyArray<{ keys: string[]; label: MessageKey }> = [
  { keys: ['A'], label: 'editor.shortcuts.add' },
  { keys: ['Delete', 'Backspace'], label: 'editor.shortcuts.delete' },
  { keys: ['Ctrl/⌘', 'Z'], label: 'editor.shortcuts.undo' },
  { keys: ['Ctrl/⌘', 'Shift', 'Z'], label: 'editor.shortcuts.redo' },
  { keys: ['Ctrl/⌘', 'C'], label: 'editor.shortcuts.copy' },
  { keys: ['Ctrl/⌘', 'V'], label: 'editor.shortcuts.paste' },
  { keys: ['Ctrl/⌘', 'A'], label: 'editor.shortcuts.selectAll' },
  { keys: ['Shift', 'drag'], label: 'editor.shortcuts.boxSelect' },
  { keys: ['Ctrl/⌘', 'S'], label: 'editor.shortcuts.save' },
  { keys: ['L'], label: 'editor.shortcuts.layout' },
  { keys: ['?'], label: 'editor.shortcuts.help' },
];

export function ShortcutsPanel({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  return (
    <Drawer open={open} title={t('editor.shortcuts.title')} onClose={onClose} width="24rem">
      <table className={styles.shortcuts}>
        <caption className="visually-hidden">{t('editor.shortcuts.title')}</caption>
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.label}>
              <td>
                {shortcut.keys.map((key) => (
                  <kbd key={key}>{key}</kbd>
                ))}
              </td>
              <td>{t(shortcut.label)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Drawer>
  );
}
