'use client';

import type { FocusEventHandler, PointerEventHandler } from 'react';
import { Button, type ButtonProps } from '@/components/ui/button';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { approvalStage, childWorkflowStage, delegatedStage, type EditorStage } from '../model/types';
import type { StageTemplateSummary } from './editor.documents';
import styles from './editor.module.css';

export type EditorView = 'graph' | 'yaml';

/** Hovering or focusing an "add" control shows where the new stage will land. */
export interface GhostHandlers {
  onPointerEnter: PointerEventHandler;
  onPointerLeave: PointerEventHandler;
  onFocus: FocusEventHandler;
  onBlur: FocusEventHandler;
}

/** The editor's toolbar: graph/YAML switch, the new workflow's name, add, layout, undo/redo. */
export function EditorToolbar({
  view,
  onSwitchView,
  newName,
  onNewNameChange,
  templates,
  onAdd,
  onPickTemplate,
  ghost,
  onOpenMeta,
  onLayout,
  history,
  stageCount,
  health,
}: {
  view: EditorView;
  onSwitchView: (view: EditorView) => void;
  /** The name field of a workflow not saved yet; undefined once it has a name. */
  newName?: string;
  onNewNameChange: (name: string) => void;
  templates: StageTemplateSummary[];
  onAdd: (stage?: EditorStage) => void;
  /** A template picked from the menu (the editor asks for its arguments, if any). */
  onPickTemplate: (template: StageTemplateSummary) => void;
  ghost: GhostHandlers;
  onOpenMeta: () => void;
  onLayout: () => void;
  history: { undo: () => void; redo: () => void; canUndo: boolean; canRedo: boolean };
  stageCount: number;
  /** A saved workflow can show its stages' health; undefined for a new one. */
  health?: { isShown: boolean; onToggle: () => void };
}) {
  const t = useT();
  return (
    <div className={styles.toolbar} role="toolbar" aria-label={t('editor.toolbar')}>
      <div className={styles.segmented} role="tablist" aria-label={t('editor.viewLabel')}>
        {(['graph', 'yaml'] as const).map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={view === id}
            className={styles.segment}
            onClick={() => onSwitchView(id)}
          >
            {t(id === 'graph' ? 'editor.view.graph' : 'editor.view.yaml')}
          </button>
        ))}
      </div>
      {newName !== undefined ? (
        <TextField
          id="workflow-name"
          className={styles.nameField}
          label={t('editor.workflowName')}
          placeholder="release"
          value={newName}
          onChange={(event) => onNewNameChange(event.target.value)}
          autoComplete="off"
        />
      ) : null}
      {view === 'graph' ? (
        <>
          <Button size="sm" onClick={() => onAdd()} aria-keyshortcuts="A" {...ghost}>
            {t('editor.addStage')}
          </Button>
          <Button size="sm" onClick={() => onAdd(approvalStage('approval'))} {...ghost}>
            {t('editor.addApproval')}
          </Button>
          <Button size="sm" onClick={() => onAdd(childWorkflowStage('run-workflow'))} {...ghost}>
            {t('editor.addChildWorkflow')}
          </Button>
          <Button size="sm" onClick={() => onAdd(delegatedStage('delegated'))} {...ghost}>
            {t('editor.addDelegation')}
          </Button>
          <label {...ghost}>
            <span className="visually-hidden">{t('editor.addFromTemplate')}</span>
            <select
              className={styles.templateSelect}
              value=""
              aria-label={t('editor.addFromTemplate')}
              onChange={(event) => {
                const template = templates.find((tpl) => tpl.name === event.target.value);
                if (template) onPickTemplate(template);
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
          <ToolButton onClick={onOpenMeta}>{t('editor.meta.button')}</ToolButton>
          <span className={styles.separator} />
          <ToolButton onClick={onLayout} aria-keyshortcuts="L">
            {t('editor.autoLayout')}
          </ToolButton>
          <ToolButton onClick={history.undo} disabled={!history.canUndo} aria-keyshortcuts="Control+Z">
            {t('editor.undo')}
          </ToolButton>
          <ToolButton onClick={history.redo} disabled={!history.canRedo} aria-keyshortcuts="Control+Shift+Z">
            {t('editor.redo')}
          </ToolButton>
          {health ? (
            <ToolButton aria-pressed={health.isShown} title={t('editor.health.hint')} onClick={health.onToggle}>
              {t('editor.health.button')}
            </ToolButton>
          ) : null}
          <span className={styles.stageCount}>{t('editor.stageCount', { count: stageCount })}</span>
        </>
      ) : null}
    </div>
  );
}

/** The toolbar's own buttons (meta, layout, undo, redo, health) are small and ghost. */
function ToolButton(props: ButtonProps) {
  return <Button size="sm" variant="ghost" {...props} />;
}
