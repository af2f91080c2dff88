'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button, LinkButton } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { TextField } from '@/components/ui/text-field';
import { runsHref } from '@/features/runs/runs.documents';
import { StartRunButton } from '@/features/runs/start-run-button';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { layoutStages, NODE_HEIGHT, NODE_WIDTH, preloadDagre, wantsDagre } from '../layout/layout';
import { type DiffLine, diffLines } from '../model/diff';
import {
  addStage,
  type Clipboard,
  copyStages,
  freeSpot,
  pasteStages,
  setPositions,
  updateStage,
} from '../model/operations';
import { fromApiStage, stageLines, toStageInput } from '../model/serialize';
import { type EditorDoc, type EditorStage, emptyStage } from '../model/types';
import { validateDoc } from '../model/validate';
import type { WorkflowMeta, YamlProblem } from '../model/yaml-doc';
import {
  CreateWorkflowDocument,
  type EditorWorkflow,
  type SaveWorkflowInput,
  type StageTemplateSummary,
  UpdateWorkflowDocument,
} from './editor.documents';
import styles from './editor.module.css';
import { EditorCanvas } from './editor-canvas';
import { SaveDiffDialog } from './save-diff-dialog';
import { ShortcutsPanel } from './shortcuts-panel';
import { StageDrawer } from './stage-drawer';
import { stageFromTemplate } from './stage-from-template';
import { useAfterFirstView } from './use-after-first-view';
import { useEditorHistory } from './use-editor-history';
import { useEditorShortcuts } from './use-editor-shortcuts';
import { useUnsavedGuard } from './use-unsaved-guard';
import { ValidationPanel } from './validation-panel';
import { metaLines, WorkflowMetaDrawer } from './workflow-meta-drawer';
import { YamlPanel } from './yaml-panel';

/** The YAML codec and the YAML library are only needed once the YAML view opens. */
const loadYamlDoc = () => import('../model/yaml-doc');

const PASTE_OFFSET = { x: 40, y: 40 };
const TOAST_MS = 6000;

export function docFromWorkflow(workflow: EditorWorkflow | null | undefined, keep?: EditorDoc): EditorDoc {
  const stages = (workflow?.stages ?? []).map(fromApiStage);
  const laidOut = layoutStages(stages);
  // Stages that were already on the canvas stay where the user put them.
  const positions = Object.fromEntries(
    stages.map((s) => [s.name, keep?.positions[s.name] ?? laidOut[s.name] ?? { x: 0, y: 0 }]),
  );
  return { stages, positions };
}

interface Baseline {
  name?: string;
  meta: WorkflowMeta;
  version?: number;
  stages: EditorStage[];
}

const metaOf = (workflow: EditorWorkflow | null | undefined): WorkflowMeta => ({
  description: workflow?.description ?? '',
  globalVariables: (workflow?.globalVariables ?? []).map(({ name, value }) => ({ name, value })),
});

/** Text lines of a workflow for the dirty check and the save diff. */
const workflowLines = (meta: WorkflowMeta, stages: readonly EditorStage[]) => [
  ...metaLines(meta),
  ...stageLines(stages),
];

export function WorkflowEditor({
  tenant,
  project,
  workflow,
  templates,
  startTemplate,
}: {
  tenant: string;
  project: string;
  /** The saved workflow; undefined for a new one. */
  workflow?: EditorWorkflow;
  templates: StageTemplateSummary[];
  /** A new workflow starts with one stage made from this template. */
  startTemplate?: string;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const flow = useReactFlow();
  const editor = useEditorHistory(() => {
    const template = startTemplate ? templates.find((tpl) => tpl.name === startTemplate) : undefined;
    if (workflow || !template) return docFromWorkflow(workflow);
    const stage = stageFromTemplate(template);
    return { stages: [stage], positions: { [stage.name]: { x: 0, y: 0 } } };
  });
  const { doc, apply } = editor;
  const [baseline, setBaseline] = useState<Baseline>(() => ({
    name: workflow?.name,
    meta: metaOf(workflow),
    version: workflow?.version,
    stages: (workflow?.stages ?? []).map(fromApiStage),
  }));
  const [meta, setMeta] = useState<WorkflowMeta>(() => metaOf(workflow));
  const [isMetaOpen, setMetaOpen] = useState(false);
  const [newName, setNewName] = useState('');
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [openStage, setOpenStage] = useState<string>();
  const [toast, setToast] = useState<{ message: string; tone: 'error' | 'info' }>();
  const [view, setView] = useState<'graph' | 'yaml'>('graph');
  /** The YAML view's text as printed from the graph, and as edited. */
  const [yaml, setYaml] = useState<{ printed: string; draft: string }>();
  const [yamlProblems, setYamlProblems] = useState<YamlProblem[]>([]);
  const [isBusy, setBusy] = useState(false);
  const [saved, setSaved] = useState<{ version: number; previousVersion?: number; diff: DiffLine[] }>();
  const [isHelpOpen, setHelpOpen] = useState(false);
  const [ghost, setGhost] = useState<{ x: number; y: number }>();
  const isAfterFirstView = useAfterFirstView();
  const clipboard = useRef<Clipboard>(undefined);
  const canvasBox = useRef<HTMLDivElement>(null);
  const isNew = !baseline.name;

  const issues = useMemo(() => validateDoc(doc), [doc]);
  const issueStages = useMemo(() => new Set(issues.flatMap((i) => (i.stage ? [i.stage] : []))), [issues]);
  const baselineText = useMemo(() => workflowLines(baseline.meta, baseline.stages).join('\n'), [baseline]);
  const isDirty = useMemo(
    () =>
      workflowLines(meta, doc.stages).join('\n') !== baselineText ||
      (isNew && doc.stages.length > 0) ||
      (yaml !== undefined && yaml.draft !== yaml.printed),
    [meta, doc.stages, baselineText, isNew, yaml],
  );
  useUnsavedGuard(isDirty, t('editor.unsavedConfirm'));

  const showToast = useCallback((message: string, tone: 'error' | 'info' = 'error') => setToast({ message, tone }), []);
  useEffect(() => {
    if (!toast) return;
    const timer = window.setTimeout(() => setToast(undefined), TOAST_MS);
    return () => window.clearTimeout(timer);
  }, [toast]);

  const fitSoon = useCallback(
    () => window.setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1.2, duration: 200 }), 50),
    [flow],
  );

  const viewportCenter = useCallback(() => {
    const box = canvasBox.current?.getBoundingClientRect();
    if (!box) return { x: 0, y: 0 };
    const center = flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    const start = { x: Math.round(center.x - NODE_WIDTH / 2), y: Math.round(center.y - NODE_HEIGHT / 2) };
    return freeSpot(editor.latest.current.positions, start, { width: NODE_WIDTH, height: NODE_HEIGHT });
  }, [flow, editor.latest]);

  const addBlank = useCallback(
    (stage: EditorStage = emptyStage('stage')) => {
      const result = addStage(editor.latest.current, stage, viewportCenter());
      apply(() => result.doc);
      setGhost(undefined);
      setSelected(new Set([result.name]));
      setOpenStage(result.name);
    },
    [apply, editor.latest, viewportCenter],
  );

  const autoLayout = useCallback(() => {
    void preloadDagre().then(() => {
      apply((d) => setPositions(d, layoutStages(d.stages)));
      fitSoon();
    });
  }, [apply, fitSoon]);

  const copy = useCallback(() => {
    if (selected.size > 0) clipboard.current = copyStages(editor.latest.current, selected);
  }, [selected, editor.latest]);
  const paste = useCallback(() => {
    const copied = clipboard.current;
    if (!copied || copied.stages.length === 0) return;
    const result = pasteStages(editor.latest.current, copied, PASTE_OFFSET);
    apply(() => result.doc);
    setSelected(new Set(result.names));
    // Pasting again shifts again.
    clipboard.current = copyStages(result.doc, result.names);
  }, [apply, editor.latest]);

  /**
   * Reads the YAML view into the graph, in the browser (@cyclone/manifests, then the
   * graph rules of @cyclone/dag). Problems stay in the YAML view with their line.
   */
  const readYaml = useCallback(async (): Promise<
    { name?: string; meta: WorkflowMeta; stages: EditorStage[] } | undefined
  > => {
    const current = { meta, stages: editor.latest.current.stages };
    if (!yaml || yaml.draft === yaml.printed) return current;
    const { yamlToDoc } = await loadYamlDoc();
    const result = yamlToDoc(yaml.draft);
    if (!result.ok) {
      setYamlProblems(result.problems);
      return undefined;
    }
    if (baseline.name && result.name !== baseline.name) {
      setYamlProblems([{ message: t('editor.yaml.nameChanged', { name: baseline.name }) }]);
      return undefined;
    }
    setYamlProblems([]);
    if (wantsDagre(result.stages.length)) await preloadDagre();
    const before = editor.latest.current;
    const laidOut = layoutStages(result.stages);
    const positions = Object.fromEntries(
      result.stages.map((s) => [s.name, before.positions[s.name] ?? laidOut[s.name] ?? { x: 0, y: 0 }]),
    );
    apply(() => ({ stages: result.stages, positions }));
    setMeta(result.meta);
    if (!baseline.name) setNewName(result.name);
    setYaml({ printed: yaml.draft, draft: yaml.draft });
    if (result.ignored.length > 0) showToast(t('editor.yaml.ignored', { list: result.ignored.join(', ') }), 'info');
    return { name: result.name, meta: result.meta, stages: result.stages };
  }, [yaml, meta, baseline.name, editor.latest, apply, showToast, t]);

  const save = useCallback(async () => {
    if (isBusy) return;
    const read = await readYaml();
    if (!read) {
      showToast(t('editor.yaml.fixFirst'));
      return;
    }
    const name = baseline.name ?? (read.name ?? newName).trim();
    if (!name) {
      showToast(t('editor.save.needName'));
      document.getElementById('workflow-name')?.focus();
      return;
    }
    const problems = read.stages === doc.stages ? issues : validateDoc({ stages: read.stages, positions: {} });
    if (problems.length > 0) {
      showToast(t('editor.save.fixIssues', { count: problems.length }));
      return;
    }
    setBusy(true);
    try {
      const input: SaveWorkflowInput = {
        tenant,
        project,
        name,
        description: read.meta.description,
        globalVariables: read.meta.globalVariables
          .filter((v) => v.name.trim())
          .map(({ name: key, value }) => ({ name: key.trim(), value })),
        stages: read.stages.map(toStageInput),
      };
      const result = isNew
        ? (await request<{ createWorkflow: EditorWorkflow }, object>(CreateWorkflowDocument, { input })).createWorkflow
        : (await request<{ updateWorkflow: EditorWorkflow }, object>(UpdateWorkflowDocument, { input })).updateWorkflow;
      const savedStages = result.stages.map(fromApiStage);
      const savedMeta = metaOf(result);
      setSaved({
        version: result.version,
        previousVersion: baseline.version,
        diff: diffLines(workflowLines(baseline.meta, baseline.stages), workflowLines(savedMeta, savedStages)),
      });
      setBaseline({ name: result.name, meta: savedMeta, version: result.version, stages: savedStages });
      setMeta(savedMeta);
      if (yaml) setYaml({ printed: yaml.draft, draft: yaml.draft });
      queryClient.setQueryData(queryKeys.workflows.detail(tenant, project, result.name), { workflow: result });
      void queryClient.invalidateQueries({ queryKey: queryKeys.projects.all(tenant) });
      if (isNew) window.history.replaceState(window.history.state, '', `/projects/${project}/workflows/${result.name}`);
    } catch (error) {
      showToast(t('editor.save.failed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  }, [
    isBusy,
    readYaml,
    baseline,
    newName,
    issues,
    tenant,
    project,
    doc.stages,
    isNew,
    yaml,
    queryClient,
    showToast,
    t,
  ]);

  const switchView = useCallback(
    async (next: 'graph' | 'yaml') => {
      if (next === view) return;
      if (next === 'yaml') {
        const { docToYaml } = await loadYamlDoc();
        const name = baseline.name ?? (newName.trim() || 'workflow');
        const printed = docToYaml(name, meta, editor.latest.current.stages);
        setYaml({ printed, draft: printed });
        setYamlProblems([]);
        setView('yaml');
        return;
      }
      if (!(await readYaml())) return;
      setYaml(undefined);
      setView('graph');
      fitSoon();
    },
    [view, baseline.name, newName, meta, editor.latest, readYaml, fitSoon],
  );

  useEditorShortcuts(
    {
      undo: editor.undo,
      redo: editor.redo,
      copy,
      paste,
      selectAll: () => setSelected(new Set(editor.latest.current.stages.map((s) => s.name))),
      save: () => void save(),
      add: () => addBlank(),
      layout: autoLayout,
      help: () => setHelpOpen((open) => !open),
    },
    view === 'graph',
  );

  const stageInDrawer = openStage ? doc.stages.find((s) => s.name === openStage) : undefined;
  const takenNames = useMemo(() => new Set(doc.stages.map((s) => s.name)), [doc.stages]);
  const onApplyStage = useCallback(
    (previousName: string, next: EditorStage) => {
      apply((d) => updateStage(d, previousName, next));
      setOpenStage(undefined);
      setSelected(new Set([next.name]));
    },
    [apply],
  );
  const onSelectIssue = useCallback((name: string) => {
    setSelected(new Set([name]));
    setOpenStage(name);
  }, []);

  // Hovering or focusing an "add" control shows where the new stage will land.
  const ghostProps = {
    onPointerEnter: () => setGhost(viewportCenter()),
    onPointerLeave: () => setGhost(undefined),
    onFocus: () => setGhost(viewportCenter()),
    onBlur: () => setGhost(undefined),
  };

  const title = baseline.name ?? t('editor.newTitle');
  return (
    <div className={styles.page}>
      <PageHeader
        title={title}
        breadcrumbs={[
          { label: t('breadcrumbs.home'), href: '/' },
          { label: t('projects.title'), href: '/projects' },
          { label: project, href: `/projects/${project}` },
        ]}
        actions={
          <>
            {isDirty ? <span className={styles.dirty}>{t('editor.unsaved')}</span> : null}
            {baseline.version ? <span className={styles.version}>v{baseline.version}</span> : null}
            {baseline.name ? (
              <LinkButton variant="ghost" href={`/projects/${project}/workflows/${baseline.name}/triggers`}>
                {t('triggers.link')}
              </LinkButton>
            ) : null}
            {baseline.name ? (
              <LinkButton variant="ghost" href={runsHref(project, baseline.name)}>
                {t('runs.list.title')}
              </LinkButton>
            ) : null}
            {baseline.name && !isDirty && isAfterFirstView ? (
              <StartRunButton tenant={tenant} project={project} workflow={baseline.name} />
            ) : null}
            <Button variant="ghost" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?">
              {t('editor.shortcuts.button')}
            </Button>
            <Button variant="primary" onClick={() => void save()} loading={isBusy} aria-keyshortcuts="Control+S">
              {t('editor.save')}
            </Button>
          </>
        }
      />
      <div className={styles.toolbar} role="toolbar" aria-label={t('editor.toolbar')}>
        <div className={styles.segmented} role="tablist" aria-label={t('editor.viewLabel')}>
          {(['graph', 'yaml'] as const).map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={view === id}
              className={styles.segment}
              onClick={() => void switchView(id)}
            >
              {t(id === 'graph' ? 'editor.view.graph' : 'editor.view.yaml')}
            </button>
          ))}
        </div>
        {isNew ? (
          <TextField
            id="workflow-name"
            className={styles.nameField}
            label={t('editor.workflowName')}
            placeholder="release"
            value={newName}
            onChange={(event) => setNewName(event.target.value)}
            autoComplete="off"
          />
        ) : null}
        {view === 'graph' ? (
          <>
            <Button size="sm" onClick={() => addBlank()} aria-keyshortcuts="A" {...ghostProps}>
              {t('editor.addStage')}
            </Button>
            <label className={styles.templatePick} {...ghostProps}>
              <span className="visually-hidden">{t('editor.addFromTemplate')}</span>
              <select
                value=""
                aria-label={t('editor.addFromTemplate')}
                onChange={(event) => {
                  const template = templates.find((tpl) => tpl.name === event.target.value);
                  if (template) addBlank(stageFromTemplate(template));
                }}
              >
                <option value="">{t('editor.addFromTemplate')}</option>
                {templates.map((tpl) => (
                  <option key={tpl.name} value={tpl.name}>
                    {tpl.name}
                    {tpl.isBuiltin ? '' : ` (${t('editor.templateOwn')})`}
                  </option>
                ))}
              </select>
            </label>
            <Button size="sm" variant="ghost" onClick={() => setMetaOpen(true)}>
              {t('editor.meta.button')}
            </Button>
            <span className={styles.separator} />
            <Button size="sm" variant="ghost" onClick={autoLayout} aria-keyshortcuts="L">
              {t('editor.autoLayout')}
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={editor.undo}
              disabled={!editor.canUndo}
              aria-keyshortcuts="Control+Z"
            >
              {t('editor.undo')}
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={editor.redo}
              disabled={!editor.canRedo}
              aria-keyshortcuts="Control+Shift+Z"
            >
              {t('editor.redo')}
            </Button>
            <span className={styles.stageCount}>{t('editor.stageCount', { count: doc.stages.length })}</span>
          </>
        ) : null}
      </div>
      {toast ? (
        <div className={styles.toast} data-tone={toast.tone} role={toast.tone === 'error' ? 'alert' : 'status'}>
          <span>{toast.message}</span>
          <button type="button" onClick={() => setToast(undefined)} aria-label={t('common.close')}>
            ×
          </button>
        </div>
      ) : null}
      <div className={styles.body}>
        <div ref={canvasBox} className={styles.canvasBox} hidden={view !== 'graph'}>
          {doc.stages.length === 0 ? (
            <div className={styles.emptyHint}>
              <p>{t('editor.emptyHint')}</p>
              <Button variant="primary" onClick={() => addBlank()}>
                {t('editor.addStage')}
              </Button>
            </div>
          ) : null}
          <EditorCanvas
            editor={editor}
            issueStages={issueStages}
            selected={selected}
            onSelectionChange={setSelected}
            onOpenStage={setOpenStage}
            onRefused={showToast}
            ghost={ghost}
          />
        </div>
        {view === 'yaml' && yaml ? (
          <YamlPanel
            value={yaml.draft}
            problems={yamlProblems}
            loading={isBusy}
            onChange={(draft) => setYaml((current) => current && { ...current, draft })}
          />
        ) : null}
        <ValidationPanel issues={issues} onSelect={onSelectIssue} />
      </div>
      <StageDrawer
        key={openStage}
        stage={stageInDrawer}
        takenNames={takenNames}
        onApply={onApplyStage}
        onClose={() => setOpenStage(undefined)}
      />
      {isMetaOpen ? (
        <WorkflowMetaDrawer
          meta={meta}
          onApply={(next) => {
            setMeta(next);
            setMetaOpen(false);
          }}
          onClose={() => setMetaOpen(false)}
        />
      ) : null}
      <ShortcutsPanel open={isHelpOpen} onClose={() => setHelpOpen(false)} />
      <SaveDiffDialog result={saved} onClose={() => setSaved(undefined)} />
    </div>
  );
}
