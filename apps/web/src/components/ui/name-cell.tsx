import type { ReactNode } from 'react';
import text from './text.module.css';

/** A table's name cell: the name (text, a link or a button) with muted notes, such as the description, under it. */
export function NameCell({ name, notes = [] }: { name: ReactNode; notes?: readonly (string | null | undefined)[] }) {
  return (
    <span className={text.stack}>
      {name}
      {notes.map((note) =>
        note ? (
          <span key={note} className={text.muted}>
            {note}
          </span>
        ) : null,
      )}
    </span>
  );
}
