import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAllYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { forgetDiscovery } from '../apply.js';
import type { KubeClients } from '../client.js';
import { CYCLONE_API_VERSION, CYCLONE_KINDS, type CycloneKind, type CycloneResource } from './types.js';

/** The repository's k8s/ folder (CRDs, examples, manifests); same depth from src/ and dist/. */
export const K8S_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../k8s');
export const CRD_DIR = join(K8S_DIR, 'crds');

/** Every document of every `.yaml` file in `dir` but kustomization.yaml, with the file it came from. */
export function readYamlDocuments(dir: string): { file: string; object: Record<string, unknown> }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()
    .flatMap((file) =>
      (loadAllYaml(readFileSync(join(dir, file), 'utf8')) as unknown[])
        .filter((o): o is Record<string, unknown> => typeof o === 'object' && o !== null)
        .map((object) => ({ file, object })),
    );
}

export function readCrds(dir = CRD_DIR): V1CustomResourceDefinition[] {
  return readYamlDocuments(dir).map(({ object }) => object as unknown as V1CustomResourceDefinition);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Applies the CRDs (server-side apply, field manager `cyclone`) and waits until
 * the API server serves each of them (condition Established).
 */
export async function installCrds(clients: KubeClients, timeoutMs = 60_000): Promise<void> {
  const crds = readCrds();
  for (const crd of crds) {
    await clients.objects.patch(
      { ...crd, apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
      undefined,
      undefined,
      'cyclone',
      true,
      'application/apply-patch+yaml',
    );
  }
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    const name = crd.metadata?.name as string;
    for (;;) {
      const live = await clients.apiextensions.readCustomResourceDefinition({ name });
      if (live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established within ${timeoutMs}ms`);
      await sleep(100);
    }
  }
  // Established comes slightly before the kinds show in API discovery, which
  // clients that address objects by apiVersion/kind rely on.
  for (const crd of crds) {
    const apiVersion = `${crd.spec.group}/${crd.spec.versions[0]?.name}`;
    for (;;) {
      forgetDiscovery(clients.objects);
      try {
        await clients.objects.list(
          apiVersion,
          crd.spec.names.kind,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          1,
        );
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(100);
      }
    }
  }
}

/** Narrows a decoded document to a Cyclone resource; throws naming what is missing. */
export function asCycloneResource(object: Record<string, unknown>): CycloneResource {
  const kind = object.kind as CycloneKind;
  if (object.apiVersion !== CYCLONE_API_VERSION) throw new Error(`apiVersion must be ${CYCLONE_API_VERSION}`);
  if (!(kind in CYCLONE_KINDS)) throw new Error(`unknown kind ${String(object.kind)}`);
  const metadata = object.metadata as { name?: unknown } | undefined;
  if (typeof metadata?.name !== 'string') throw new Error('metadata.name is required');
  if (typeof object.spec !== 'object' || object.spec === null) throw new Error('spec is required');
  return object as unknown as CycloneResource;
}
