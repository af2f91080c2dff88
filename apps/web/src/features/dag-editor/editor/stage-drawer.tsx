// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the placeholder shows a Cyclone cache key.
'use client';

import { checkCondition } from '@cyclone/dag';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { FormDrawer } from '@/components/ui/form-drawer';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { isDnsLabel } from '../model/checks';
import { configToText, isDelegationUrl, parseConfigText } from '../model/delegation';
import { fromLines, toLines } from '../model/lines';
import { applyServiceRows, serviceRows } from '../model/service-rows';
import type { EditorApproval, EditorDelegation, EditorStage } from '../model/types';
import { ApprovalFields } from './approval-fields';
import { DelegationFields } from './delegation-fields';
import { CheckboxRow } from './drawer-fields';
import { fromMatrixDraft, type MatrixDraft, MatrixFields, toMatrixDraft } from './matrix-fields';
import { RowsEditor } from './rows-editor';
import styles from './stage-drawer.module.css';
import { WorkloadFields } from './workload-fields';

interface Draft {
  stage: EditorStage;
  command: string;
  args: string;
  retries: string;
  /** An approval gate's count and users, as typed. */
  approvalCount: string;
  approvalUsers: string;
  /** A delegated stage's config, as typed (JSON). */
  delegationConfig: string;
  matrix: MatrixDraft;
}

function toDraft(stage: EditorStage): Draft {
  return {
    stage,
    command: toLines(stage.command),
    args: toLines(stage.args),
    retries: String(stage.retries),
    approvalCount: String(stage.approval?.count ?? 1),
    approvalUsers: toLines(stage.approval?.users ?? []),
    delegationConfig: configToText(stage.delegation?.config),
    matrix: toMatrixDraft(stage),
  };
}

/** `{config}` when there is one: an empty config field is no config. */
const withConfig = (config: unknown) => (config === undefined ? {} : { config });

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className={styles.section}>
      <h3 className={styles.sectionTitle}>{title}</h3>
      {children}
    </section>
  );
}

/** Cyclone's stage form: what it runs, what it takes and gives, and its run policy. */
export function StageDrawer({
  stage,
  takenNames,
  onApply,
  onClose,
}: {
  stage: EditorStage | undefined;
  /** Names of the other stages (a stage name must be unique). */
  takenNames: ReadonlySet<string>;
  onApply: (previousName: string, next: EditorStage) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [draft, setDraft] = useState<Draft | undefined>(stage && toDraft(stage));
  // A different stage (or the same one changed by undo) resets the form.
  useEffect(() => setDraft(stage && toDraft(stage)), [stage]);
  if (!stage || !draft) return null;

  const set = (patch: Partial<EditorStage>) => setDraft({ ...draft, stage: { ...draft.stage, ...patch } });
  const s = draft.stage;
  const nameError = !isDnsLabel(s.name)
    ? t('editor.drawer.nameInvalid')
    : s.name !== stage.name && takenNames.has(s.name)
      ? t('editor.drawer.nameTaken', { name: s.name })
      : undefined;
  const retries = Number(draft.retries);
  const retriesError =
    !Number.isInteger(retries) || retries < 0 || retries > 10 ? t('editor.drawer.retriesInvalid') : undefined;
  // The same check the server makes at save (packages/dag), said while typing.
  const whenError = s.when?.trim() ? checkCondition(s.when.trim()) : undefined;
  const approvalCount = Number(draft.approvalCount);
  const countError =
    s.approval && (!Number.isInteger(approvalCount) || approvalCount < 1 || approvalCount > 20)
      ? t('editor.drawer.approvalCountInvalid')
      : undefined;
  const maxParallel = Number(draft.matrix.maxParallel);
  const maxParallelError =
    draft.matrix.maxParallel.trim() && (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > 256)
      ? t('editor.drawer.maxParallelInvalid')
      : undefined;
  // A delegated stage's URL and config: refused while typed (an empty URL is left to the validation panel).
  const delegationUrl = s.delegation?.url.trim() ?? '';
  const urlError =
    delegationUrl && !isDelegationUrl(delegationUrl) ? t('editor.drawer.delegationUrlInvalid') : undefined;
  const parsedConfig = s.delegation ? parseConfigText(draft.delegationConfig) : undefined;
  const configError =
    parsedConfig && !parsedConfig.ok
      ? t('editor.drawer.delegationConfigInvalid', { error: parsedConfig.error })
      : undefined;
  const hasError = Boolean(
    nameError ||
      (!s.approval && retriesError) ||
      whenError ||
      countError ||
      maxParallelError ||
      urlError ||
      configError,
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (hasError) return;
    const when = s.when?.trim() ? s.when.trim() : undefined;
    if (s.approval) {
      const users = fromLines(draft.approvalUsers).map((user) => user.trim());
      onApply(stage.name, { ...s, when, approval: { ...s.approval, count: approvalCount, users } });
      return;
    }
    const matrix = s.workflow || s.delegation ? {} : fromMatrixDraft(draft.matrix);
    const delegation =
      s.delegation && parsedConfig?.ok
        ? { delegation: { type: s.delegation.type, url: s.delegation.url, ...withConfig(parsedConfig.config) } }
        : {};
    onApply(stage.name, {
      ...s,
      ...delegation,
      command: fromLines(draft.command),
      args: fromLines(draft.args),
      retries,
      when,
      ...matrix,
    });
  };

  return (
    <FormDrawer
      modal={false}
      width="30rem"
      title={t('editor.drawer.title', { name: stage.name })}
      onClose={onClose}
      submitLabel={t('editor.drawer.apply')}
      onSubmit={submit}
      submitDisabled={hasError}
      formClassName={styles.form}
      browserValidation
    >
      <TextField
        label={t('editor.drawer.name')}
        value={s.name}
        onChange={(e) => set({ name: e.target.value })}
        error={nameError}
        autoComplete="off"
        spellCheck={false}
      />
      {s.template ? <p className={styles.hint}>{t('editor.drawer.fromTemplate', { template: s.template })}</p> : null}
      {s.approval ? (
        <Section title={t('editor.drawer.approval')}>
          <ApprovalFields
            approval={s.approval}
            count={draft.approvalCount}
            users={draft.approvalUsers}
            countError={countError}
            onChange={(patch) =>
              setDraft({
                ...draft,
                ...(patch.count === undefined ? {} : { approvalCount: patch.count }),
                ...(patch.users === undefined ? {} : { approvalUsers: patch.users }),
                stage: patch.approval
                  ? { ...draft.stage, approval: { ...(draft.stage.approval as EditorApproval), ...patch.approval } }
                  : draft.stage,
              })
            }
          />
        </Section>
      ) : s.workflow ? (
        <Section title={t('editor.drawer.childWorkflow')}>
          <p className={styles.hint}>{t('editor.drawer.childWorkflowHint')}</p>
          <TextField
            label={t('editor.drawer.childWorkflowName')}
            placeholder="deploy"
            value={s.workflow.name}
            onChange={(e) =>
              set({ workflow: { ...(s.workflow as NonNullable<EditorStage['workflow']>), name: e.target.value } })
            }
            autoComplete="off"
            spellCheck={false}
          />
          <RowsEditor
            legend={t('editor.drawer.childWorkflowParameters')}
            addLabel={t('editor.drawer.addParameter')}
            columns={[
              { key: 'name', label: t('editor.drawer.colName'), placeholder: 'variables.TARGET' },
              { key: 'value', label: t('editor.drawer.colValue') },
            ]}
            rows={s.workflow.parameters}
            onChange={(parameters) =>
              set({ workflow: { ...(s.workflow as NonNullable<EditorStage['workflow']>), parameters } })
            }
          />
        </Section>
      ) : s.delegation ? (
        <Section title={t('editor.drawer.delegation')}>
          <DelegationFields
            delegation={s.delegation}
            config={draft.delegationConfig}
            urlError={urlError}
            configError={configError}
            onChange={(patch) =>
              setDraft({
                ...draft,
                ...(patch.config === undefined ? {} : { delegationConfig: patch.config }),
                stage: patch.delegation
                  ? {
                      ...draft.stage,
                      delegation: { ...(draft.stage.delegation as EditorDelegation), ...patch.delegation },
                    }
                  : draft.stage,
              })
            }
          />
        </Section>
      ) : (
        <>
          <ContainerSections draft={draft} setDraft={setDraft} />
          <Section title={t('editor.drawer.matrix')}>
            <MatrixFields
              draft={draft.matrix}
              maxParallelError={maxParallelError}
              onChange={(matrix) => setDraft({ ...draft, matrix })}
            />
          </Section>
        </>
      )}
      <Section title={t('editor.drawer.policy')}>
        {s.approval ? null : (
          <div className={styles.pair}>
            <TextField
              label={t('editor.drawer.timeout')}
              hint={t('editor.drawer.timeoutHint')}
              placeholder="30m"
              value={s.timeout ?? ''}
              onChange={(e) => set({ timeout: e.target.value })}
              autoComplete="off"
            />
            <TextField
              label={t('editor.drawer.retries')}
              type="number"
              min={0}
              max={10}
              value={draft.retries}
              error={retriesError}
              onChange={(e) => setDraft({ ...draft, retries: e.target.value })}
            />
          </div>
        )}
        <CheckboxRow
          label={t('editor.drawer.trivial')}
          hint={t('editor.drawer.trivialHint')}
          checked={s.trivial}
          onChange={(trivial) => set({ trivial })}
        />
        <TextField
          label={t('editor.drawer.when')}
          hint={t('editor.drawer.whenHint')}
          placeholder="trigger.branch == 'main'"
          value={s.when ?? ''}
          error={whenError}
          onChange={(e) => set({ when: e.target.value })}
          autoComplete="off"
          spellCheck={false}
        />
        <CheckboxRow
          label={t('editor.drawer.finally')}
          hint={t('editor.drawer.finallyHint')}
          checked={s.finally}
          onChange={(checked) => set({ finally: checked })}
        />
      </Section>
    </FormDrawer>
  );
}

/** What a container stage runs, takes and gives (an approval gate has none of it). */
function ContainerSections({ draft, setDraft }: { draft: Draft; setDraft: (draft: Draft) => void }) {
  const t = useT();
  const s = draft.stage;
  const set = (patch: Partial<EditorStage>) => setDraft({ ...draft, stage: { ...draft.stage, ...patch } });
  return (
    <>
      <Section title={t('editor.drawer.workload')}>
        <WorkloadFields
          values={{
            image: s.image,
            command: draft.command,
            args: draft.args,
            workingDir: s.workingDir ?? '',
            env: s.env,
          }}
          onChange={({ command, args, ...stagePatch }) =>
            setDraft({
              ...draft,
              ...(command === undefined ? {} : { command }),
              ...(args === undefined ? {} : { args }),
              stage: { ...draft.stage, ...stagePatch },
            })
          }
          labels={{
            image: t('editor.drawer.image'),
            command: t('editor.drawer.command'),
            commandHint: t('editor.drawer.linesHint'),
            args: t('editor.drawer.args'),
            argsHint: t('editor.drawer.linesHint'),
            workingDir: t('editor.drawer.workingDir'),
            env: t('editor.drawer.env'),
            envName: t('editor.drawer.colName'),
            envValue: t('editor.drawer.colValue'),
            addEnv: t('editor.drawer.addEnv'),
          }}
          imagePlaceholder="alpine:3.20"
        />
      </Section>
      <Section title={t('editor.drawer.inputs')}>
        <RowsEditor
          legend={t('editor.drawer.inputResources')}
          addLabel={t('editor.drawer.addResource')}
          columns={[
            { key: 'name', label: t('editor.drawer.colResource') },
            { key: 'path', label: t('editor.drawer.colPath'), placeholder: '/workspace/src' },
          ]}
          rows={s.inputs.resources}
          onChange={(resources) => set({ inputs: { ...s.inputs, resources } })}
        />
        <RowsEditor
          legend={t('editor.drawer.inputArtifacts')}
          addLabel={t('editor.drawer.addArtifact')}
          columns={[
            { key: 'name', label: t('editor.drawer.colName') },
            { key: 'path', label: t('editor.drawer.colPath') },
            { key: 'source', label: t('editor.drawer.colSource'), placeholder: 'build/binary' },
          ]}
          rows={s.inputs.artifacts}
          onChange={(artifacts) => set({ inputs: { ...s.inputs, artifacts } })}
        />
      </Section>
      <Section title={t('editor.drawer.outputs')}>
        <RowsEditor
          legend={t('editor.drawer.outputResources')}
          addLabel={t('editor.drawer.addResource')}
          columns={[
            { key: 'name', label: t('editor.drawer.colResource') },
            { key: 'path', label: t('editor.drawer.colPushPath'), placeholder: t('editor.drawer.pushPathPlaceholder') },
          ]}
          rows={s.outputs.resources}
          onChange={(resources) => set({ outputs: { ...s.outputs, resources } })}
        />
        <RowsEditor
          legend={t('editor.drawer.outputArtifacts')}
          addLabel={t('editor.drawer.addArtifact')}
          columns={[
            { key: 'name', label: t('editor.drawer.colName') },
            { key: 'path', label: t('editor.drawer.colPath') },
          ]}
          rows={s.outputs.artifacts}
          onChange={(artifacts) => set({ outputs: { ...s.outputs, artifacts } })}
        />
      </Section>
      <Section title={t('editor.drawer.caches')}>
        <RowsEditor
          legend={t('editor.drawer.caches')}
          addLabel={t('editor.drawer.addCache')}
          columns={[
            { key: 'key', label: t('editor.drawer.colKey'), placeholder: "go-${hashFiles('go.sum')}" },
            { key: 'paths', label: t('editor.drawer.colPaths'), placeholder: '.cache/go-mod, .cache/go-build' },
            { key: 'restoreKeys', label: t('editor.drawer.colRestoreKeys'), placeholder: 'go-' },
          ]}
          rows={s.caches ?? []}
          onChange={(caches) => set({ caches: caches.length > 0 ? caches : undefined })}
        />
      </Section>
      <Section title={t('editor.drawer.services')}>
        <p className={styles.hint}>{t('editor.drawer.servicesHint')}</p>
        <RowsEditor
          legend={t('editor.drawer.services')}
          addLabel={t('editor.drawer.addService')}
          columns={[
            { key: 'name', label: t('editor.drawer.colName'), placeholder: 'db' },
            { key: 'image', label: t('editor.drawer.image'), placeholder: 'postgres:17' },
            { key: 'command', label: t('editor.drawer.command') },
            { key: 'readiness', label: t('editor.drawer.colReadiness'), placeholder: '5432' },
          ]}
          rows={serviceRows(s.services)}
          onChange={(rows) => set({ services: applyServiceRows(s.services, rows) })}
        />
      </Section>
    </>
  );
}
