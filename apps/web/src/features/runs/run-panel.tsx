import type { ReactNode } from 'react';
import styles from './runs.module.css';

/** A titled panel of the run pages (dashboard, compare), labelled by its heading. */
export function RunPanel({ id, title, children }: { id: string; title: ReactNode; children: ReactNode }) {
  return (
    <section className={styles.panel} aria-labelledby={id}>
      <h2 id={id} className={styles.panelTitle}>
        {title}
      </h2>
      {children}
    </section>
  );
}

/** One labelled fact of a run's summary line (started, duration, version ...). */
export function RunFact({ label, testId, children }: { label: string; testId?: string; children: ReactNode }) {
  return (
    <span className={styles.fact} data-testid={testId}>
      <span className={styles.muted}>{label}</span> {children}
    </span>
  );
}

export interface KeyValueRow {
  key: string;
  name: ReactNode;
  value: ReactNode;
}

/** Name/value rows (parameters, outputs, artifacts); `empty` says there are none. */
export function KeyValueTable({ rows, empty }: { rows: readonly KeyValueRow[]; empty: string }) {
  if (!rows.length) return <p className={styles.muted}>{empty}</p>;
  return (
    <table className={styles.kvTable}>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.name}</th>
            <td>{row.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
