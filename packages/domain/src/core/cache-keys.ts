// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Cyclone keys use ${hashFiles(…)} literally.
/**
 * Cache keys' `${hashFiles('pattern', …)}` (docs/workflows.md, Caches), shared by the
 * API and the stage helper of a pod so that one workspace gives one key everywhere.
 */
const HASH_FILES = /\$\{\s*hashFiles\(([^)}]*)\)\s*\}/g;
const QUOTED = /^\s*(?:'([^']*)'|"([^"]*)")\s*(?:,|$)/;

/** The patterns of one `hashFiles(…)` argument list, or undefined when they are not quoted strings. */
export function parseHashFilesArguments(text: string): string[] | undefined {
  const patterns: string[] = [];
  let rest = text;
  while (rest.trim() !== '') {
    const match = QUOTED.exec(rest);
    if (!match) return undefined;
    patterns.push((match[1] ?? match[2]) as string);
    rest = rest.slice(match[0].length);
  }
  return patterns.length > 0 ? patterns : undefined;
}

/** Every `${hashFiles(…)}` call of a key: the whole call and its argument text. */
export function hashFilesCalls(key: string): { call: string; args: string; index: number }[] {
  return [...key.matchAll(HASH_FILES)].map((m) => ({ call: m[0], args: m[1] as string, index: m.index as number }));
}

/** True when the key uses `${hashFiles(…)}` (it is then evaluated where the workspace is). */
export function usesHashFiles(key: string): boolean {
  return hashFilesCalls(key).length > 0;
}

/**
 * Replaces every `${hashFiles(…)}` with what `hash` gives for its patterns (the hex
 * sha256 of the matching files, '' when none match).
 */
export async function renderCacheKey(key: string, hash: (patterns: string[]) => Promise<string>): Promise<string> {
  let rendered = '';
  let at = 0;
  for (const { call, args, index } of hashFilesCalls(key)) {
    const patterns = parseHashFilesArguments(args);
    if (!patterns) throw new Error(`${call} needs quoted patterns`);
    rendered += key.slice(at, index) + (await hash(patterns));
    at = index + call.length;
  }
  return rendered + key.slice(at);
}

/**
 * A matcher of workspace-relative paths (`a/b/c.sum`) for glob patterns: `*` and `?`
 * within a segment, `**` for any number of segments; a leading `./` is ignored.
 */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  const expressions = patterns.map((pattern) => new RegExp(`^${globSource(pattern.replace(/^(\.\/)+/, ''))}$`));
  return (path) => expressions.some((expression) => expression.test(path));
}

function globSource(pattern: string): string {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '*' && pattern[i + 1] === '*') {
      const isSegment = (i === 0 || pattern[i - 1] === '/') && (pattern[i + 2] === '/' || i + 2 === pattern.length);
      if (isSegment && pattern[i + 2] === '/') {
        source += '(?:[^/]+/)*';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return source;
}
