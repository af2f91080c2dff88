'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { FormDrawer } from '@/components/ui/form-drawer';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { CreateProjectDocument } from './projects.documents';

/** The "New project" form: a DNS-label name and an optional description. */
export function CreateProjectDrawer({
  tenant,
  open,
  onClose,
  onCreated,
}: {
  tenant: string;
  open: boolean;
  onClose: () => void;
  onCreated: (name: string) => void;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const mutation = useMutation({
    mutationFn: (input: { tenant: string; name: string; description: string }) =>
      request(CreateProjectDocument, { input }),
    onSuccess: async (_, input) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.projects.all(tenant) });
      setName('');
      setDescription('');
      onCreated(input.name);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate({ tenant, name: name.trim(), description: description.trim() });
  };

  return (
    <FormDrawer
      open={open}
      title={t('projects.create.title')}
      onClose={onClose}
      submitLabel={t('projects.create.submit')}
      onSubmit={submit}
      busy={mutation.isPending}
      browserValidation
    >
      <TextField
        label={t('projects.create.name')}
        hint={t('projects.create.nameHint')}
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={mutation.error instanceof Error ? mutation.error.message : undefined}
        required
        autoComplete="off"
      />
      <TextField
        label={t('projects.create.description')}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        autoComplete="off"
      />
    </FormDrawer>
  );
}
