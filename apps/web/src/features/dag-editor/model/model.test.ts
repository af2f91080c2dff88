import { describe, expect, it } from 'vitest';
import { diffLines, hasChanges } from './diff';
import { canRedo, canUndo, commit, createHistory, redo, undo } from './history';
import {
  addStage,
  connect,
  copyStages,
  disconnect,
  freeSpot,
  pasteStages,
  removeStages,
  uniqueName,
  updateStage,
} from './operations';
import { fromApiCaches, fromApiStage, stageLines, toCacheInputs, toStageInput } from './serialize';
import { approvalStage, childWorkflowStage, type EditorDoc, EMPTY_DOC, emptyStage } from './types';
import { validateDoc } from './validate';

function stage(name: string, dependsOn: string[] = [], image = 'alpine:3') {
  return { ...emptyStage(name), image, dependsOn };
}

/** a → b, a → c, b → d, c → d */
function diamond(): EditorDoc {
  return {
    stages: [stage('a'), stage('b', ['a']), stage('c', ['a']), stage('d', ['b', 'c'])],
    positions: { a: { x: 0, y: 0 }, b: { x: 100, y: 0 }, c: { x: 100, y: 100 }, d: { x: 200, y: 50 } },
  };
}

describe('operations', () => {
  it('adds stages with unique names', () => {
    const first = addStage(EMPTY_DOC, stage('build'), { x: 1, y: 2 });
    const second = addStage(first.doc, stage('build'), { x: 3, y: 4 });
    expect(second.name).toBe('build-2');
    expect(second.doc.stages.map((s) => s.name)).toEqual(['build', 'build-2']);
    expect(second.doc.positions['build-2']).toEqual({ x: 3, y: 4 });
    expect(uniqueName(['x', 'x-2'], 'x')).toBe('x-3');
  });

  it('finds a free spot below overlapping nodes', () => {
    const size = { width: 100, height: 40 };
    expect(freeSpot({}, { x: 5, y: 5 }, size)).toEqual({ x: 5, y: 5 });
    expect(freeSpot({ a: { x: 0, y: 0 }, b: { x: 0, y: 60 } }, { x: 10, y: 10 }, size)).toEqual({ x: 10, y: 130 });
    expect(freeSpot({ a: { x: 0, y: 0 } }, { x: 200, y: 0 }, size)).toEqual({ x: 200, y: 0 });
  });

  it('connects source → target as a dependency of the target', () => {
    const doc = addStage(addStage(EMPTY_DOC, stage('a'), { x: 0, y: 0 }).doc, stage('b'), { x: 0, y: 0 }).doc;
    const result = connect(doc, 'a', 'b');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.doc.stages.find((s) => s.name === 'b')?.dependsOn).toEqual(['a']);
  });

  it('refuses a connection that closes a cycle, naming the path', () => {
    const result = connect(diamond(), 'd', 'a');
    expect(result).toMatchObject({ ok: false, reason: 'CYCLE', path: ['a', 'b', 'd', 'a'] });
    if (!result.ok) expect(result.message).toBe('"a" cannot depend on "d": that would make a cycle a → b → d → a');
  });

  it('refuses self and duplicate dependencies', () => {
    expect(connect(diamond(), 'a', 'a')).toMatchObject({ ok: false, reason: 'SELF' });
    expect(connect(diamond(), 'a', 'b')).toMatchObject({ ok: false, reason: 'DUPLICATE' });
    expect(connect(diamond(), 'a', 'nope')).toMatchObject({ ok: false, reason: 'UNKNOWN' });
  });

  it('removes stages and the dependencies on them', () => {
    const doc = removeStages(diamond(), ['b']);
    expect(doc.stages.map((s) => s.name)).toEqual(['a', 'c', 'd']);
    expect(doc.stages.find((s) => s.name === 'd')?.dependsOn).toEqual(['c']);
    expect(doc.positions.b).toBeUndefined();
  });

  it('disconnects edges', () => {
    const doc = disconnect(diamond(), [{ source: 'b', target: 'd' }]);
    expect(doc.stages.find((s) => s.name === 'd')?.dependsOn).toEqual(['c']);
  });

  it('renaming a stage follows through dependencies, artifact sources and positions', () => {
    const base = diamond();
    const withArtifact = updateStage(base, 'd', {
      ...(base.stages[3] as ReturnType<typeof stage>),
      inputs: { resources: [], artifacts: [{ name: 'bin', path: '/bin', source: 'b/bin' }] },
    });
    const b = withArtifact.stages[1] as ReturnType<typeof stage>;
    const doc = updateStage(withArtifact, 'b', { ...b, name: 'build' });
    const d = doc.stages.find((s) => s.name === 'd');
    expect(d?.dependsOn).toEqual(['build', 'c']);
    expect(d?.inputs.artifacts[0]?.source).toBe('build/bin');
    expect(doc.positions.build).toEqual({ x: 100, y: 0 });
    expect(doc.positions.b).toBeUndefined();
  });

  it('copies and pastes stages with renamed internal dependencies', () => {
    const doc = diamond();
    const clipboard = copyStages(doc, ['a', 'b']);
    expect(clipboard.stages.map((s) => [s.name, s.dependsOn])).toEqual([
      ['a', []],
      ['b', ['a']],
    ]);
    const pasted = pasteStages(doc, clipboard, { x: 10, y: 20 });
    expect(pasted.names).toEqual(['a-2', 'b-2']);
    expect(pasted.doc.stages.find((s) => s.name === 'b-2')?.dependsOn).toEqual(['a-2']);
    expect(pasted.doc.positions['b-2']).toEqual({ x: 110, y: 20 });
  });
});

describe('history', () => {
  it('undoes and redoes, and a new change clears redo', () => {
    let history = createHistory(EMPTY_DOC);
    const one = addStage(EMPTY_DOC, stage('a'), { x: 0, y: 0 }).doc;
    const two = addStage(one, stage('b'), { x: 0, y: 0 }).doc;
    history = commit(commit(history, one), two);
    expect(canUndo(history)).toBe(true);
    history = undo(history);
    expect(history.present).toBe(one);
    expect(canRedo(history)).toBe(true);
    history = redo(history);
    expect(history.present).toBe(two);
    history = commit(undo(history), EMPTY_DOC);
    expect(canRedo(history)).toBe(false);
    expect(commit(history, history.present)).toBe(history);
    expect(undo(createHistory(1))).toEqual(createHistory(1));
  });

  it('keeps at most the limit of steps', () => {
    let history = createHistory(0);
    for (let n = 1; n <= 10; n++) history = commit(history, n, 3);
    expect(history.past).toEqual([7, 8, 9]);
  });
});

describe('validation', () => {
  it('reports names, images, durations and graph problems per stage', () => {
    const doc: EditorDoc = {
      stages: [
        { ...stage('Bad_Name'), image: '' },
        { ...stage('x', ['ghost']), timeout: 'soon' },
        stage('y', ['z']),
        stage('z', ['y']),
      ],
      positions: {},
    };
    const codes = validateDoc(doc).map((i) => `${i.stage}:${i.code}`);
    expect(codes).toEqual([
      'Bad_Name:INVALID_NAME',
      'Bad_Name:NO_IMAGE',
      'x:INVALID_TIMEOUT',
      'x:UNKNOWN_DEPENDENCY',
      'y:CYCLE',
    ]);
    expect(validateDoc(diamond())).toEqual([]);
    const language: EditorDoc = {
      stages: [{ ...stage('a'), when: 'variables[' }, { ...stage('z'), finally: true }, stage('b', ['z'])],
      positions: {},
    };
    expect(validateDoc(language).map((i) => `${i.stage}:${i.code}`)).toEqual([
      'a:BAD_CONDITION',
      'b:DEPENDS_ON_FINALLY',
    ]);
    expect(validateDoc(EMPTY_DOC).map((i) => i.code)).toEqual(['NO_STAGES']);
  });
});

describe('approval gates', () => {
  it('need no image; their count, timeout and inputs are checked as the server does', () => {
    const gate = approvalStage('sign-off');
    expect(validateDoc({ stages: [gate], positions: {} })).toEqual([]);
    const bad = {
      ...gate,
      approval: {
        count: 3,
        roles: [],
        users: ['a@x.io'],
        timeout: 'soon',
        onTimeout: 'FAIL' as const,
        inputs: [
          { name: '1st', required: false, description: '' },
          { name: 'v', required: false, description: '' },
          { name: 'v', required: true, description: '' },
        ],
      },
    };
    expect(validateDoc({ stages: [bad], positions: {} }).map((issue) => issue.message)).toEqual([
      'stage "sign-off": needs 3 approvals but names only 1 users',
      'stage "sign-off": the approval timeout must be a duration like 30m, 24h or 1h30m',
      'stage "sign-off": input "1st" must be a key: a letter or _, then letters, digits, _ . -',
      'stage "sign-off": input "v" is repeated',
    ]);
  });

  it('go to the API as StageInput.approval, blank rows dropped, and come back as they were', () => {
    const gate = {
      ...approvalStage('sign-off'),
      approval: {
        count: 1,
        roles: ['ADMIN' as const],
        users: [' lead@x.io ', ''],
        timeout: ' ',
        onTimeout: 'FAIL' as const,
        inputs: [
          { name: 'version', required: true, description: '' },
          { name: ' ', required: false, description: 'blank' },
        ],
      },
    };
    const input = toStageInput(gate);
    expect(input.image).toBe('');
    expect(input.approval).toEqual({
      count: 1,
      roles: ['ADMIN'],
      users: ['lead@x.io'],
      onTimeout: 'FAIL',
      inputs: [{ name: 'version', required: true }],
    });
    const back = fromApiStage({ ...input, approval: { ...input.approval, timeout: null, onTimeout: 'FAIL' } as never });
    expect(back.approval).toEqual({
      count: 1,
      roles: ['ADMIN'],
      users: ['lead@x.io'],
      timeout: undefined,
      onTimeout: 'FAIL',
      inputs: [{ name: 'version', required: true, description: '' }],
    });
    expect(stageLines([gate])).toContain('  approval: 1 from ADMIN, lead@x.io');
  });
});

describe('child-workflow stages', () => {
  it('need the workflow they run, not an image, and go to the API as StageInput.workflow', () => {
    const child = childWorkflowStage('release');
    expect(validateDoc({ stages: [child], positions: {} }).map((issue) => issue.code)).toEqual(['NO_WORKFLOW']);
    const named = {
      ...child,
      workflow: {
        name: 'deploy',
        parameters: [
          { name: 'variables.X', value: '1' },
          { name: ' ', value: '' },
        ],
      },
    };
    expect(validateDoc({ stages: [named], positions: {} })).toEqual([]);
    expect(toStageInput(named).workflow).toEqual({ name: 'deploy', parameters: [{ name: 'variables.X', value: '1' }] });
    expect(stageLines([named])).toContain('  runs workflow: deploy');
  });
});

describe('serialize and diff', () => {
  it('maps API stages to the editor and back, dropping empty optional values', () => {
    const editor = fromApiStage({
      name: 'build',
      image: 'golang:1.22',
      command: ['sh', '-c'],
      args: ['make'],
      env: [{ name: 'A', value: '1' }],
      workingDir: null,
      dependsOn: ['src'],
      inputs: { resources: [{ name: 'repo', path: '/src' }], artifacts: [] },
      outputs: { resources: [], artifacts: [{ name: 'bin', path: '/out' }] },
      trivial: true,
      timeout: null,
      retries: 2,
      template: null,
    });
    const input = toStageInput({ ...editor, env: [...editor.env, { name: ' ', value: '' }] });
    expect(input).toEqual({
      name: 'build',
      image: 'golang:1.22',
      command: ['sh', '-c'],
      args: ['make'],
      env: [{ name: 'A', value: '1' }],
      dependsOn: ['src'],
      inputs: { resources: [{ name: 'repo', path: '/src' }], artifacts: [] },
      outputs: { resources: [], artifacts: [{ name: 'bin', path: '/out' }] },
      trivial: true,
      retries: 2,
      finally: false,
    });
    const gated = toStageInput({ ...editor, when: "  trigger.branch == 'main' ", finally: true });
    expect(gated).toMatchObject({ when: "trigger.branch == 'main'", finally: true });
    expect(toStageInput({ ...editor, when: '  ' })).not.toHaveProperty('when');
  });

  it("keeps an output resource's path from the API and back; a blank path is left out", () => {
    const editor = fromApiStage({
      name: 'upload',
      image: 'alpine:3',
      command: [],
      args: [],
      env: [],
      dependsOn: [],
      inputs: { resources: [], artifacts: [] },
      outputs: { resources: [{ name: 'reports', path: '/workspace/out' }, { name: 'image' }], artifacts: [] },
      trivial: false,
      retries: 0,
    });
    expect(editor.outputs.resources).toEqual([
      { name: 'reports', path: '/workspace/out' },
      { name: 'image', path: '' },
    ]);
    const changed = { ...editor.outputs, resources: [...editor.outputs.resources, { name: 'site', path: '  ' }] };
    expect(toStageInput({ ...editor, outputs: changed }).outputs.resources).toEqual([
      { name: 'reports', path: '/workspace/out' },
      { name: 'image' },
      { name: 'site' },
    ]);
    expect(stageLines([editor])).toContain('  output resource reports at /workspace/out');
  });

  it('diffs the stage lines of two versions', () => {
    const before = stageLines(diamond().stages);
    const after = stageLines(updateStage(diamond(), 'c', { ...stage('c', ['a'], 'node:22') }).stages);
    const diff = diffLines(before, after);
    expect(hasChanges(diff)).toBe(true);
    expect(diff.filter((l) => l.kind !== 'same')).toEqual([
      { kind: 'removed', text: '  image: alpine:3' },
      { kind: 'added', text: '  image: node:22' },
    ]);
    expect(hasChanges(diffLines(before, before))).toBe(false);
    expect(diffLines(['a'], ['b', 'a', 'c'])).toEqual([
      { kind: 'added', text: 'b' },
      { kind: 'same', text: 'a' },
      { kind: 'added', text: 'c' },
    ]);
  });
});

describe('stage caches in the editor model', () => {
  it('turns the typed rows into StageCacheInput and back, dropping rows without a key', () => {
    const typed = [
      { key: 'go-v1', paths: '.cache/go-mod, .cache/go-build ,', restoreKeys: 'go-' },
      { key: ' ', paths: 'x', restoreKeys: '' },
    ];
    const inputs = toCacheInputs(typed);
    expect(inputs).toEqual([{ key: 'go-v1', paths: ['.cache/go-mod', '.cache/go-build'], restoreKeys: ['go-'] }]);
    expect(fromApiCaches(inputs)).toEqual([
      { key: 'go-v1', paths: '.cache/go-mod, .cache/go-build', restoreKeys: 'go-' },
    ]);
    expect(fromApiCaches([])).toBeUndefined();
  });
});
