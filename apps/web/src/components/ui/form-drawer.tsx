'use client';

import { type FormEvent, type ReactNode, useId } from 'react';
import { useT } from '@/i18n/i18n-provider';
import { Button } from './button';
import { Drawer, type DrawerProps } from './drawer';
import formStyles from './drawer-form.module.css';

export interface FormDrawerProps extends Pick<DrawerProps, 'title' | 'onClose' | 'children' | 'modal' | 'width'> {
  open?: boolean;
  submitLabel: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  busy?: boolean;
  submitDisabled?: boolean;
  cancelLabel?: string;
  /** More footer buttons, shown between Cancel and the submit button. */
  actions?: ReactNode;
  formClassName?: string;
  /** Let the browser check required fields too; by default the drawer's own checks speak. */
  browserValidation?: boolean;
}

/** An editing drawer: one form, with Cancel and its submit button in the footer. */
export function FormDrawer({
  open = true,
  title,
  width,
  modal,
  onClose,
  submitLabel,
  onSubmit,
  busy,
  submitDisabled,
  cancelLabel,
  actions,
  formClassName,
  browserValidation = false,
  children,
}: FormDrawerProps) {
  const t = useT();
  const formId = useId();
  return (
    <Drawer
      open={open}
      modal={modal}
      width={width}
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            {cancelLabel ?? t('common.cancel')}
          </Button>
          {actions}
          <Button variant="primary" type="submit" form={formId} loading={busy} disabled={submitDisabled}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <form
        id={formId}
        className={formClassName ?? formStyles.form}
        onSubmit={onSubmit}
        noValidate={!browserValidation}
      >
        {children}
      </form>
    </Drawer>
  );
}

/** A server error in a form, at the field it is about or at the top; announced as it appears. */
export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p className={formStyles.error} role="alert">
      {message}
    </p>
  );
}
