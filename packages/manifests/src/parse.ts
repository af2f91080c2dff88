import { dnsLabelSchema, findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from '@cyclone/domain';
import { parseAllDocuments } from 'yaml';
import { decodeResource } from './decode-resource.js';
import { decodeStage } from './decode-stage.js';
import { decodeTrigger, decodeWorkflow, decodeWorkflowRun } from './decode-workflow.js';
import { FieldReader } from './fields.js';
import { API_VERSION, MANIFEST_KINDS, type Manifest, type ManifestError, type ManifestKind } from './types.js';

export interface ParseResult {
  documents: Manifest[];
  errors: ManifestError[];
}

/**
 * Reads Cyclone v1alpha1 manifests: multi-document YAML, or a YAML list of documents
 * (the form of Cyclone's stage template files), or both. Documents are numbered in
 * order across the file, and every problem names its document and field, e.g.
 * `documents[2].spec.pod.spec.containers[0].image: required`.
 */
export function parseManifests(text: string): ParseResult {
  const errors: ManifestError[] = [];
  const raw: unknown[] = [];
  const refuse = (message: string) => {
    const index = raw.length;
    errors.push({ document: index, path: `documents[${index}]`, message: `not valid YAML: ${message}` });
    raw.push(undefined);
  };
  for (const doc of parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true })) {
    if (doc.errors.length > 0) {
      refuse(doc.errors[0]?.message ?? '');
      continue;
    }
    let value: unknown;
    try {
      // A cap on alias expansion keeps a "billion laughs" document from exhausting memory.
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      refuse((error as Error).message);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) raw.push(...value);
    else raw.push(value);
  }
  const documents: Manifest[] = [];
  const seen = new Map<string, number>();
  raw.forEach((value, index) => {
    if (value === undefined) return;
    const unstorable = findUnstorableText(value, `documents[${index}]`);
    if (unstorable !== undefined) {
      errors.push({ document: index, path: unstorable, message: UNSTORABLE_TEXT_MESSAGE });
      return;
    }
    const manifest = decodeDocument(new FieldReader(errors, index), value, index);
    if (!manifest) return;
    const key = `${manifest.kind}/${manifest.spec.name}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push({
        document: index,
        path: `documents[${index}].metadata.name`,
        message: `${manifest.kind} "${manifest.spec.name}" is already declared in documents[${earlier}]`,
      });
      return;
    }
    seen.set(key, index);
    documents.push(manifest);
  });
  return { documents, errors };
}

function decodeDocument(r: FieldReader, value: unknown, index: number): Manifest | undefined {
  const base = `documents[${index}]`;
  const doc = r.object(value, base, true);
  if (!doc) return undefined;
  const apiVersion = r.string(doc, 'apiVersion', base, true);
  if (apiVersion !== undefined && apiVersion !== API_VERSION) {
    r.fail(`${base}.apiVersion`, `must be ${API_VERSION}`);
    return undefined;
  }
  const kind = r.string(doc, 'kind', base, true);
  if (kind !== undefined && !(MANIFEST_KINDS as readonly string[]).includes(kind)) {
    r.fail(`${base}.kind`, `must be one of ${MANIFEST_KINDS.join(', ')}`);
    return undefined;
  }
  const metadata = r.object(doc.metadata, `${base}.metadata`, true);
  const name = r.string(metadata, 'name', `${base}.metadata`, metadata !== undefined);
  if (name !== undefined) {
    const parsed = dnsLabelSchema.safeParse(name);
    if (!parsed.success) r.fail(`${base}.metadata.name`, parsed.error.issues[0]?.message ?? 'invalid');
  }
  if (apiVersion === undefined || kind === undefined || name === undefined) return undefined;
  return decodeKind(r, doc, base, name, kind as ManifestKind);
}

function decodeKind(
  r: FieldReader,
  doc: Record<string, unknown>,
  base: string,
  name: string,
  kind: ManifestKind,
): Manifest | undefined {
  switch (kind) {
    case 'Resource':
      return decodeResource(r, doc, base, name);
    case 'Stage':
      return decodeStage(r, doc, base, name);
    case 'Workflow': {
      const spec = decodeWorkflow(r, doc, base, name);
      return spec && { kind, spec };
    }
    case 'WorkflowTrigger': {
      const decoded = decodeTrigger(r, doc, base, name);
      return decoded && { kind, ...decoded };
    }
    case 'WorkflowRun': {
      const spec = decodeWorkflowRun(r, doc, base, name);
      return spec && { kind, spec };
    }
  }
}
