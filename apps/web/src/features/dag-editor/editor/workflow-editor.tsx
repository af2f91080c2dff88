'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useReactFlow } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { Button, LinkButton } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { runsHref } from '@/features/runs/runs.documents';
import { StartRunButton } from '@/features/runs/start-run-button';
import { useT } from '@/i18n/i18n-provider';
import { queryKeys } from '@/lib/query-keys';
import { layoutStages, NODE_HEIGHT, NODE_WIDTH, preloadDagre, wantsDagre } from '../layout/layout';
import {
  addStage,
  type Clipboard,
  copyStages,
  freeSpot,
  pasteStages,
  setPositions,
  updateStage,
} from '../model/operations';
import { toStageInput } from '../model/serialize';
import { type EditorStage, emptyStage } from '../model/types';
import { validateDoc } from '../model/validate';
import type { WorkflowMeta, YamlProblem } from '../model/yaml-doc';
import type { EditorWorkflow, StageTemplateSummary } from './editor.documents';
import styles from './editor.module.css';
import { EditorCanvas } from './editor-canvas';
import { EditorToast, useToast } from './editor-toast';
import { EditorToolbar, type EditorView, type GhostHandlers } from './editor-toolbar';
import { PreflightPanel } from './preflight-panel';
import { SaveDiffDialog } from './save-diff-dialog';
import { ShortcutsPanel } from './shortcuts-panel';
import { StageDrawer } from './stage-drawer';
import { stageFromTemplate } from './stage-from-template';
import { TemplateArgumentsDrawer } from './template-arguments-drawer';
import { useAfterFirstView } from './use-after-first-view';
import { useEditorHistory } from './use-editor-history';
import { useEditorShortcuts } from './use-editor-shortcuts';
import { useStageHealthLabels } from './use-stage-health';
import { useUnsavedGuard } from './use-unsaved-guard';
import { ValidationPanel } from './validation-panel';
import { versionsHref } from './version-compare';
import {
  type Baseline,
  baselineOf,
  docFromWorkflow,
  metaOf,
  placeStages,
  type SavedVersion,
  saveWorkflow,
  workflowLines,
} from './workflow-doc';
import { WorkflowMetaDrawer } from './workflow-meta-drawer';
import { YamlPanel } from './yaml-panel';

/** The YAML codec and the YAML library are only needed once the YAML view opens. */
const loadYamlDoc = () => import('../model/yaml-doc');

const PASTE_OFFSET = { x: 40, y: 40 };

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
  const startingTemplate = workflow ? undefined : templates.find((tpl) => tpl.name === startTemplate);
  const editor = useEditorHistory(() => {
    // A template with arguments starts with them asked for (argumentsOf below).
    if (!startingTemplate || startingTemplate.arguments.length > 0) return docFromWorkflow(workflow);
    const stage = stageFromTemplate(startingTemplate);
    return { stages: [stage], positions: { [stage.name]: { x: 0, y: 0 } } };
  });
  const { doc, apply } = editor;
  const [baseline, setBaseline] = useState<Baseline>(() => baselineOf(workflow));
  const [meta, setMeta] = useState<WorkflowMeta>(() => metaOf(workflow));
  const [isMetaOpen, setMetaOpen] = useState(false);
  const [newName, setNewName] = useState('');
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [openStage, setOpenStage] = useState<string>();
  const { toast, showToast, dismiss: dismissToast } = useToast();
  const [view, setView] = useState<EditorView>('graph');
  /** The YAML view's text as printed from the graph, and as edited. */
  const [yaml, setYaml] = useState<{ printed: string; draft: string }>();
  const [yamlProblems, setYamlProblems] = useState<YamlProblem[]>([]);
  const [isBusy, setBusy] = useState(false);
  const [saved, setSaved] = useState<SavedVersion>();
  const [isHelpOpen, setHelpOpen] = useState(false);
  const [ghost, setGhost] = useState<{ x: number; y: number }>();
  /** A template whose arguments are being asked for before its stage is added. */
  const [argumentsOf, setArgumentsOf] = useState<StageTemplateSummary | undefined>(() =>
    startingTemplate?.arguments.length ? startingTemplate : undefined,
  );
  const isAfterFirstView = useAfterFirstView();
  const clipboard = useRef<Clipboard>(undefined);
  const canvasBox = useRef<HTMLDivElement>(null);
  const isNew = !baseline.name;
  const [showsHealth, setShowsHealth] = useState(false);
  const health = useStageHealthLabels(tenant, project, baseline.name, showsHealth);

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

  const pickTemplate = useCallback(
    (template: StageTemplateSummary) => {
      if (template.arguments.length === 0) addBlank(stageFromTemplate(template));
      else setArgumentsOf(template);
    },
    [addBlank],
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
    const placed = placeStages(result.stages, editor.latest.current);
    apply(() => placed);
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
      const result = await saveWorkflow({ tenant, project, name }, read, baseline);
      setSaved(result.saved);
      setBaseline(result.baseline);
      setMeta(result.baseline.meta);
      if (yaml) setYaml({ printed: yaml.draft, draft: yaml.draft });
      const detail = queryKeys.workflows.detail(tenant, project, result.workflow.name);
      queryClient.setQueryData(detail, { workflow: result.workflow });
      // Other views of the same workflow (the Run dialog's variables and acceleration) read it again.
      void queryClient.invalidateQueries({
        queryKey: detail,
        predicate: (query) => query.queryKey.length > detail.length,
      });
      void queryClient.invalidateQueries({ queryKey: queryKeys.projects.all(tenant) });
      if (isNew) {
        window.history.replaceState(window.history.state, '', `/projects/${project}/workflows/${result.workflow.name}`);
      }
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
    async (next: EditorView) => {
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

  const ghostProps: GhostHandlers = {
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
            {baseline.name && baseline.version && baseline.version > 1 ? (
              <LinkButton variant="ghost" href={versionsHref(project, baseline.name)}>
                {t('versions.link')}
              </LinkButton>
            ) : null}
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
      <EditorToolbar
        view={view}
        onSwitchView={(next) => void switchView(next)}
        newName={isNew ? newName : undefined}
        onNewNameChange={setNewName}
        templates={templates}
        onAdd={addBlank}
        onPickTemplate={pickTemplate}
        ghost={ghostProps}
        onOpenMeta={() => setMetaOpen(true)}
        onLayout={autoLayout}
        history={editor}
        stageCount={doc.stages.length}
        health={baseline.name ? { isShown: showsHealth, onToggle: () => setShowsHealth((on) => !on) } : undefined}
      />
      <EditorToast toast={toast} onDismiss={dismissToast} />
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
            health={health}
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
        <ValidationPanel issues={issues} onSelect={onSelectIssue}>
          <PreflightPanel
            tenant={tenant}
            project={project}
            workflow={baseline.name ?? (newName.trim() || 'workflow')}
            draft={() => ({
              stages: doc.stages.map(toStageInput),
              globalVariables: meta.globalVariables.filter((v) => v.name.trim()),
            })}
            onSelect={onSelectIssue}
          />
        </ValidationPanel>
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
      {argumentsOf ? (
        <TemplateArgumentsDrawer
          tenant={tenant}
          template={argumentsOf}
          onAdd={(stage) => {
            setArgumentsOf(undefined);
            addBlank(stage);
          }}
          onClose={() => setArgumentsOf(undefined)}
        />
      ) : null}
    </div>
  );
}
