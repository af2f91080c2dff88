import type { StageTemplateSummary } from '@/features/dag-editor/editor/editor.documents';
import { fromLines, toLines } from '@/features/dag-editor/model/lines';

/** What the template drawer edits: lists as text lines, rows as strings. */
export interface TemplateDraft {
  name: string;
  description: string;
  kind: string;
  image: string;
  /** One word per line. */
  command: string;
  args: string;
  workingDir: string;
  env: { name: string; value: string }[];
  arguments: { name: string; value: string; description: string }[];
}

export const TEMPLATE_KINDS = ['build', 'unit-test', 'image-build', 'code-scan', 'deploy', 'custom'] as const;

/** `{{ name }}` or `{{{ name }}}`, as the API fills them (packages/domain templates.ts). */
const PLACEHOLDER = /\{\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}\}|\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

export function blankDraft(): TemplateDraft {
  return {
    name: '',
    description: '',
    kind: 'custom',
    image: '',
    command: '',
    args: '',
    workingDir: '',
    env: [],
    arguments: [],
  };
}

/** A draft of an existing template; `copyName` makes it a duplicate under that name. */
export function draftFromTemplate(template: StageTemplateSummary, copyName?: string): TemplateDraft {
  return {
    name: copyName ?? template.name,
    description: template.description,
    kind: template.kind,
    image: template.image,
    command: toLines(template.command),
    args: toLines(template.args),
    workingDir: template.workingDir ?? '',
    env: template.env.map(({ name, value }) => ({ name, value })),
    arguments: template.arguments.map((a) => ({
      name: a.name,
      value: a.value ?? '',
      description: a.description ?? '',
    })),
  };
}

/** The placeholders a draft uses (in order), so the form can offer the missing arguments. */
export function draftPlaceholders(draft: TemplateDraft): string[] {
  const names = new Set<string>();
  const texts = [draft.image, draft.command, draft.args, draft.workingDir, ...draft.env.map((e) => e.value)];
  for (const text of texts) for (const m of text.matchAll(PLACEHOLDER)) names.add((m[1] ?? m[2]) as string);
  return [...names];
}

/** Placeholders used but not declared as arguments. */
export function undeclaredPlaceholders(draft: TemplateDraft): string[] {
  const declared = new Set(draft.arguments.map((a) => a.name.trim()));
  return draftPlaceholders(draft).filter((name) => !declared.has(name));
}

/** The fields createStageTemplate / updateStageTemplate take (less tenant). */
export function draftToInput(draft: TemplateDraft) {
  return {
    name: draft.name.trim(),
    description: draft.description.trim(),
    kind: draft.kind,
    image: draft.image.trim(),
    command: fromLines(draft.command),
    args: fromLines(draft.args),
    workingDir: draft.workingDir.trim() || null,
    env: draft.env.filter((e) => e.name.trim()).map((e) => ({ name: e.name.trim(), value: e.value })),
    arguments: draft.arguments
      .filter((a) => a.name.trim())
      .map((a) => ({
        name: a.name.trim(),
        // An empty default means "required when used".
        value: a.value === '' ? null : a.value,
        description: a.description.trim() || null,
      })),
  };
}

/**
 * A copy of `text` with the placeholders that have a default filled in; the others stay
 * as typed so the user sees what still needs a value.
 */
export function fillDefaults(text: string, defaults: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (all, triple?: string, double?: string) => {
    const value = defaults.get((triple ?? double) as string);
    return value === undefined ? all : value;
  });
}

/** A name for a duplicate that no template has yet: `build-copy`, `build-copy-2`, … */
export function copyName(name: string, taken: ReadonlySet<string>): string {
  const base = `${name}-copy`.slice(0, 58);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i += 1) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}
