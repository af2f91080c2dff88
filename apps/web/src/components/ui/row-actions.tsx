import { Button } from './button';
import styles from './row-actions.module.css';

export interface RowAction {
  label: string;
  /** What a screen reader hears: the label with the row's name ("Delete build"). */
  ariaLabel?: string;
  onClick: () => void;
  disabled?: boolean;
  loading?: boolean;
  /** Leaves the action out for this row (a built-in row cannot be deleted). */
  hidden?: boolean;
}

/** The small ghost buttons at the end of a table row: edit, duplicate, delete… */
export function RowActions({ actions }: { actions: readonly RowAction[] }) {
  return (
    <span className={styles.actions}>
      {actions
        .filter((action) => !action.hidden)
        .map((action) => (
          <Button
            key={action.label}
            size="sm"
            variant="ghost"
            aria-label={action.ariaLabel}
            disabled={action.disabled}
            loading={action.loading}
            onClick={action.onClick}
          >
            {action.label}
          </Button>
        ))}
    </span>
  );
}
