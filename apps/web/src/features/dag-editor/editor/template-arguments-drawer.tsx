'use client';

import { type FormEvent, useState } from 'react';
import { FormDrawer, FormError } from '@/components/ui/form-drawer';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import type { EditorStage } from '../model/types';
import { FilledStageTemplateDocument, type StageTemplateSummary } from './editor.documents';
import formStyles from './stage-drawer.module.css';
import { stageFromTemplate } from './stage-from-template';
import { givenArguments } from './template-arguments';

/**
 * Asks for a template's arguments before a stage is made from it. The API fills the
 * template (filledStageTemplate), exactly as createStage would: defaults, and values a
 * built-in takes from an integration (sonarqube-scan's server); what is still missing
 * comes back as an error naming the argument, shown here.
 */
export function TemplateArgumentsDrawer({
  tenant,
  template,
  onAdd,
  onClose,
}: {
  tenant: string;
  template: StageTemplateSummary;
  onAdd: (stage: EditorStage) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(template.arguments.map((a) => [a.name, a.value ?? ''])),
  );
  const [error, setError] = useState<string>();
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const data = await request(FilledStageTemplateDocument, {
        tenant,
        name: template.name,
        arguments: givenArguments(template.arguments, values),
      });
      onAdd(stageFromTemplate(data.filledStageTemplate));
    } catch (caught) {
      setError(t('editor.templateArgs.failed', { message: (caught as Error).message }));
      setBusy(false);
    }
  };

  return (
    <FormDrawer
      title={t('editor.templateArgs.title', { template: template.name })}
      onClose={onClose}
      submitLabel={t('editor.templateArgs.add')}
      onSubmit={(event) => void submit(event)}
      busy={isBusy}
      cancelLabel={t('editor.templateArgs.cancel')}
      formClassName={formStyles.form}
    >
      <p className={formStyles.hint}>{t('editor.templateArgs.intro', { template: template.name })}</p>
      <FormError message={error} />
      {template.arguments.map((argument) => (
        <TextField
          key={argument.name}
          label={argument.name}
          value={values[argument.name] ?? ''}
          onChange={(event) => setValues((v) => ({ ...v, [argument.name]: event.target.value }))}
          hint={[
            argument.description,
            argument.value === null
              ? t('editor.templateArgs.noDefault')
              : argument.value !== '' && t('editor.templateArgs.default', { value: argument.value }),
          ]
            .filter(Boolean)
            .join(' · ')}
          autoComplete="off"
        />
      ))}
    </FormDrawer>
  );
}
