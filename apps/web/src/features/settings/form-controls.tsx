'use client';

import {
  type FormEvent,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { CheckIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import tabStyles from '@/components/ui/tabs.module.css';
import { TextField, type TextFieldProps } from '@/components/ui/text-field';
import fieldStyles from '@/components/ui/text-field.module.css';
import { useT } from '@/i18n/i18n-provider';
import styles from './settings.module.css';

/** The attributes that tie a control to its LabelledField: its id, its hint and error announced with it. */
function describedControl(id: string, hint?: ReactNode, error?: ReactNode) {
  return {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
  };
}

/** A control with its label above and its hint and error below, tied to it by `id`. */
function LabelledField({
  id,
  label,
  hint,
  error,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={[fieldStyles.field, className].filter(Boolean).join(' ')}>
      <label className={fieldStyles.label} htmlFor={id}>
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className={fieldStyles.hint}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className={fieldStyles.error} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  options: readonly { value: string; label: string }[];
}

/** A labelled native select (keyboard and screen-reader friendly for free). */
export function SelectField({ label, hint, error, options, className, ...props }: SelectFieldProps) {
  const id = useId();
  return (
    <LabelledField id={id} label={label} hint={hint} error={error} className={className}>
      <select className={`${fieldStyles.input} ${styles.select}`} {...describedControl(id, hint, error)} {...props}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </LabelledField>
  );
}

export interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
}

export function TextAreaField({ label, hint, error, className, ...props }: TextAreaFieldProps) {
  const id = useId();
  return (
    <LabelledField id={id} label={label} hint={hint} error={error} className={className}>
      <textarea
        className={`${fieldStyles.input} ${styles.textarea}`}
        {...describedControl(id, hint, error)}
        {...props}
      />
    </LabelledField>
  );
}

export function CheckboxField({
  label,
  checked,
  onChange,
  hint,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
}) {
  const id = useId();
  return (
    <div className={styles.checkboxField}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className={fieldStyles.hint}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Copies a value to the clipboard and says so for a moment. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const t = useT();
  const [isCopied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Clipboard refused (insecure origin): select the text for a manual copy instead.
      const range = document.createRange();
      const node = document.querySelector(`[data-copy-source="${CSS.escape(value)}"]`);
      if (node) {
        range.selectNodeContents(node);
        window.getSelection()?.removeAllRanges();
        window.getSelection()?.addRange(range);
      }
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  };
  return (
    <Button
      size="sm"
      onClick={() => void copy()}
      icon={isCopied ? <CheckIcon size={14} /> : undefined}
      aria-label={label}
    >
      <span aria-live="polite">{isCopied ? t('settings.copied') : t('settings.copy')}</span>
    </Button>
  );
}

/** A read-only value (token, URL) in monospace with its copy button. */
export function CopyableValue({ value, label }: { value: string; label: string }) {
  return (
    <div className={styles.copyable}>
      <code className={styles.copyValue} data-copy-source={value}>
        {value}
      </code>
      <CopyButton value={value} label={label} />
    </div>
  );
}

export interface TabItem<Id extends string> {
  id: Id;
  label: string;
}

/** ARIA tabs with arrow-key navigation; panels are rendered by the caller. */
export function Tabs<Id extends string>({
  label,
  items,
  selected,
  onSelect,
  idPrefix,
}: {
  label: string;
  items: readonly TabItem<Id>[];
  selected: Id;
  onSelect: (id: Id) => void;
  idPrefix: string;
}) {
  const move = (from: number, delta: number) => {
    const next = items[(from + delta + items.length) % items.length];
    if (!next) return;
    onSelect(next.id);
    document.getElementById(`${idPrefix}-tab-${next.id}`)?.focus();
  };
  return (
    <div className={tabStyles.tabs} role="tablist" aria-label={label}>
      {items.map((item, index) => (
        <button
          key={item.id}
          id={`${idPrefix}-tab-${item.id}`}
          type="button"
          role="tab"
          className={tabStyles.tab}
          aria-selected={item.id === selected}
          aria-controls={`${idPrefix}-panel-${item.id}`}
          tabIndex={item.id === selected ? 0 : -1}
          onClick={() => onSelect(item.id)}
          onKeyDown={(event) => {
            if (event.key === 'ArrowRight') move(index, 1);
            if (event.key === 'ArrowLeft') move(index, -1);
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}

/** A form-level error (usually the API's message); scrolled into view when it appears. */
export function FormError({ message, className }: { message: string | undefined; className?: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (message) ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [message]);
  if (!message) return null;
  return (
    <p ref={ref} className={className ?? styles.formError} role="alert">
      {message}
    </p>
  );
}

/** What an InlineMutationForm needs of its mutation (a TanStack mutation result fits). */
interface FormMutation {
  isPending: boolean;
  error: unknown;
  reset: () => void;
}

/**
 * A one-line form above a settings table (add a member, create a token): a required text field
 * that shows the mutation's error until typed in again, the other `children` fields, and the submit button.
 */
export function InlineMutationForm({
  label,
  submitLabel,
  mutation,
  onSubmit,
  field,
  children,
}: {
  label: string;
  submitLabel: string;
  mutation: FormMutation;
  onSubmit: (event: FormEvent) => void;
  field: Omit<TextFieldProps, 'className' | 'onChange' | 'error' | 'required'> & { onChange: (value: string) => void };
  children: ReactNode;
}) {
  const { onChange, ...fieldProps } = field;
  return (
    <form className={styles.inlineForm} onSubmit={onSubmit} aria-label={label}>
      <TextField
        className={styles.grow}
        {...fieldProps}
        onChange={(event) => {
          onChange(event.target.value);
          if (mutation.error) mutation.reset();
        }}
        error={mutation.error instanceof Error ? mutation.error.message : undefined}
        required
        autoComplete="off"
      />
      {children}
      <Button type="submit" variant="primary" loading={mutation.isPending}>
        {submitLabel}
      </Button>
    </form>
  );
}
