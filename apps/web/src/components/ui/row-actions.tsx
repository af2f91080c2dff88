import { Button, LinkButton } from './button';
import styles from './row-actions.module.css';
import type { Column } from './table';

export interface RowAction {
  label: string;
  /** What a screen reader hears: the label with the row's name ("Delete build"). */
  ariaLabel?: string;
  onClick?: () => void;
  /** A link instead of a button (the row's page, a form for it). */
  href?: string;
  /** A question asked first (delete, revoke): the action runs only when the user agrees. */
  confirm?: string;
  disabled?: boolean;
  loading?: boolean;
  /** Leaves the action out for this row (a built-in row cannot be deleted). */
  hidden?: boolean;
}

/** What a row action needs of the mutation it runs (a TanStack mutation result fits). */
interface RowMutation<Variables> {
  isPending: boolean;
  variables?: Variables;
  mutate: (variables: Variables) => void;
}

/** A row action (delete, revoke…) that runs `mutation` for this row's `variables`, spinning while that run is pending. */
export function mutationAction<Variables>(
  mutation: RowMutation<Variables>,
  variables: Variables,
  action: Omit<RowAction, 'loading' | 'onClick'>,
): RowAction {
  return {
    ...action,
    loading: mutation.isPending && mutation.variables === variables,
    onClick: () => mutation.mutate(variables),
  };
}

/** The small ghost buttons at the end of a table row: edit, duplicate, delete… */
export function RowActions({ actions }: { actions: readonly RowAction[] }) {
  return (
    <span className={styles.actions}>
      {actions
        .filter((action) => !action.hidden)
        .map((action) =>
          action.href !== undefined ? (
            <LinkButton key={action.label} size="sm" variant="ghost" href={action.href} aria-label={action.ariaLabel}>
              {action.label}
            </LinkButton>
          ) : (
            <Button
              key={action.label}
              size="sm"
              variant="ghost"
              aria-label={action.ariaLabel}
              disabled={action.disabled}
              loading={action.loading}
              onClick={() => {
                if (action.confirm === undefined || window.confirm(action.confirm)) action.onClick?.();
              }}
            >
              {action.label}
            </Button>
          ),
        )}
    </span>
  );
}

/** The last column of a table whose rows have actions (none for a row: an empty cell). */
export function actionsColumn<Row>(
  header: string,
  actionsOf: (row: Row) => readonly RowAction[],
  width?: string,
): Column<Row> {
  return { id: 'actions', header, align: 'end', width, cell: (row) => <RowActions actions={actionsOf(row)} /> };
}
