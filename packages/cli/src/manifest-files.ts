import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CliError, UsageError } from './errors.js';

export interface ManifestFile {
  /** The path as given, or `-` for standard input. */
  name: string;
  text: string;
}

const YAML_FILE = /\.ya?ml$/i;

/** The files of `-f`: a file, every *.yaml / *.yml of a folder (sorted, not recursive), or `-` (stdin). */
export async function readManifestFiles(paths: string[], readStdin: () => Promise<string>): Promise<ManifestFile[]> {
  if (paths.length === 0) throw new UsageError('-f FILE is required (a file, a folder or - for standard input)');
  const files: ManifestFile[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push({ name: '-', text: await readStdin() });
      continue;
    }
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new CliError(`cannot read ${path}: no such file or folder`);
    }
    const names = isFolder
      ? readdirSync(path)
          .filter((name) => YAML_FILE.test(name))
          .sort()
          .map((name) => join(path, name))
      : [path];
    if (isFolder && names.length === 0) throw new CliError(`${path} holds no .yaml or .yml files`);
    for (const name of names) files.push({ name, text: readFileSync(name, 'utf8') });
  }
  return files;
}

/**
 * How many documents a file holds, counted the way packages/manifests numbers
 * them (empty documents skipped, a top-level list counts each item), so that an
 * error about `documents[7]` of the joined files can name the file it is in.
 */
export function countDocuments(text: string): number {
  let count = 0;
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      count += 1;
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    count += Array.isArray(value) ? value.length : 1;
  }
  return count;
}

/** All files as one multi-document YAML (applied in one transaction), and a namer for its documents. */
export function joinManifestFiles(files: ManifestFile[]): { yaml: string; locate(index: number): string } {
  const starts: { name: string; first: number }[] = [];
  let total = 0;
  for (const file of files) {
    starts.push({ name: file.name, first: total });
    total += countDocuments(file.text);
  }
  const yaml = files.map((f) => f.text.replace(/^\uFEFF/, '').replace(/\s*$/, '\n')).join('---\n');
  return {
    yaml,
    locate(index) {
      if (files.length === 1) return `documents[${index}]`;
      const file = [...starts].reverse().find((s) => s.first <= index) ?? starts[0];
      return `${file?.name === '-' ? 'stdin' : file?.name}: documents[${index - (file?.first ?? 0)}]`;
    },
  };
}

/** Rewrites `documents[N]` in a message to the file and index it came from. */
export function locateDocuments(message: string, locate: (index: number) => string): string {
  return message.replace(/documents\[(\d+)\]/g, (_, index: string) => locate(Number(index)));
}
