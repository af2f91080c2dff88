import styles from './trigger-verdicts.module.css';

export interface TriggerVerdict {
  trigger: { id: string; name: string };
  wouldStart: boolean;
  reason: string;
}

/** Whether each trigger would start a run for an event, and why: a trigger test's and a delivery replay's answer. */
export function TriggerVerdicts({
  rows,
  label,
  wouldStart,
  wouldNotStart,
}: {
  rows: readonly TriggerVerdict[];
  label: string;
  wouldStart: string;
  wouldNotStart: string;
}) {
  return (
    <ul className={styles.verdicts} aria-label={label}>
      {rows.map((row) => (
        <li key={row.trigger.id} data-would-start={row.wouldStart}>
          <strong>{row.trigger.name}</strong>{' '}
          <span className={styles.verdict}>{row.wouldStart ? wouldStart : wouldNotStart}</span>
          <span className={styles.reason}>{row.reason}</span>
        </li>
      ))}
    </ul>
  );
}
