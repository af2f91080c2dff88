import type { ReactNode } from 'react';
import styles from './section.module.css';

export interface SectionProps {
  /** The heading's id: the section is labelled by it. */
  id: string;
  title: ReactNode;
  /** A muted line under the title. */
  hint?: ReactNode;
  /** Buttons at the right of the heading row (refresh…). */
  actions?: ReactNode;
  /** The page's own spacing, in place of the default column. */
  className?: string;
  children?: ReactNode;
}

/** A titled section of a page: title (h2) and hint on the left, actions on the right, then its content. */
export function Section({ id, title, hint, actions, className, children }: SectionProps) {
  return (
    <section className={className ?? styles.section} aria-labelledby={id}>
      <div className={styles.sectionHeader}>
        <div>
          <h2 id={id} className={styles.sectionTitle}>
            {title}
          </h2>
          {hint ? <p className={styles.sectionHint}>{hint}</p> : null}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}
