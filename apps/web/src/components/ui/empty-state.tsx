import type { ReactNode } from 'react';
import { InboxIcon } from '../icons';
import styles from './empty-state.module.css';

export interface EmptyStateProps {
  title: string;
  /** What belongs here and what to do first. */
  description?: ReactNode;
  icon?: ReactNode;
  action?: ReactNode;
  /** `panel` draws its own border; `plain` sits inside another container (a table). */
  variant?: 'panel' | 'plain';
  /** Heading level of the title, to fit the page outline. */
  headingLevel?: 2 | 3;
}

export function EmptyState({ title, description, icon, action, variant = 'panel', headingLevel = 2 }: EmptyStateProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className={styles.empty} data-variant={variant}>
      <div className={styles.icon}>{icon ?? <InboxIcon size={20} />}</div>
      <Heading className={styles.title}>{title}</Heading>
      {description ? <p className={styles.description}>{description}</p> : null}
      {action ? <div className={styles.action}>{action}</div> : null}
    </div>
  );
}
