import Link from 'next/link';
import type { ButtonHTMLAttributes, ComponentProps, ReactNode } from 'react';
import styles from './button.module.css';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';
export type ButtonSize = 'sm' | 'md';

interface CommonProps {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** An icon before the label. */
  icon?: ReactNode;
  fullWidth?: boolean;
}

export function buttonClassName(
  { variant = 'secondary', size = 'md', fullWidth }: CommonProps,
  extra?: string,
): string {
  return [styles.button, styles[variant], styles[size], fullWidth ? styles.full : '', extra ?? '']
    .filter(Boolean)
    .join(' ');
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement>, CommonProps {
  /** Shows a busy indicator and blocks clicks, keeping the label readable. */
  loading?: boolean;
}

export function Button({
  variant,
  size,
  icon,
  fullWidth,
  loading = false,
  disabled,
  className,
  children,
  type = 'button',
  ...props
}: ButtonProps) {
  return (
    <button
      type={type}
      className={buttonClassName({ variant, size, fullWidth }, className)}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      {...props}
    >
      {loading ? <span className={styles.spinner} aria-hidden="true" /> : icon}
      {children}
    </button>
  );
}

/** The small "×" that removes one row of an editable list; `label` names the row for screen readers. */
export function RemoveRowButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button size="sm" variant="ghost" aria-label={label} onClick={onClick}>
      ×
    </Button>
  );
}

export type LinkButtonProps = ComponentProps<typeof Link> & CommonProps;

/** A link that looks like a button (navigation, not an action). */
export function LinkButton({ variant, size, icon, fullWidth, className, children, ...props }: LinkButtonProps) {
  return (
    <Link className={buttonClassName({ variant, size, fullWidth }, className)} {...props}>
      {icon}
      {children}
    </Link>
  );
}
