// Proves the test control plane: CRDs are served and watchable (apiextensions
// in kube-apiserver), pods are scheduled by the real kube-scheduler onto kwok
// fake nodes and run through their lifecycle, and the controller-manager does
// its part (default ServiceAccounts, namespace deletion).
import type { V1CustomResourceDefinition, V1Pod } from '@kubernetes/client-node';
import { describe } from 'vitest';
import { FAKE_NODE_LABELS, FAKE_NODE_NAMES, FAKE_NODE_TOLERATION } from '../../../scripts/testenv/control-plane.mjs';
import type { KubeClients } from './client.js';
import { apiStatus, expect, test } from './testing/namespace-fixture.js';
import { recordWatch } from './testing/watch-events.js';

const GROUP = 'testing.cyclone.dev';
const VERSION = 'v1alpha1';
const PLURAL = 'widgets';
const CRD_NAME = `${PLURAL}.${GROUP}`;

interface Widget {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; generation?: number; resourceVersion?: string };
  spec: { size: number; color?: string };
  status?: { phase?: string; observedGeneration?: number };
}

const widgetCrd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: CRD_NAME },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: PLURAL, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1 },
                  color: { type: 'string' },
                },
              },
              status: {
                type: 'object',
                properties: {
                  phase: { type: 'string' },
                  observedGeneration: { type: 'integer', format: 'int64' },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitUntil<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function installWidgetCrd({ apiextensions }: KubeClients): Promise<void> {
  try {
    await apiextensions.createCustomResourceDefinition({ body: widgetCrd });
  } catch (err) {
    if (apiStatus(err) !== 409) throw err; // installed by an earlier test
  }
  await waitUntil('CRD Established', async () => {
    const crd = await apiextensions.readCustomResourceDefinition({ name: CRD_NAME });
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
}

function fakePod(
  name: string,
  { annotations = {}, restartPolicy = 'Never' }: { annotations?: Record<string, string>; restartPolicy?: string } = {},
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, annotations },
    spec: {
      restartPolicy,
      nodeSelector: { ...FAKE_NODE_LABELS },
      tolerations: [{ ...FAKE_NODE_TOLERATION }],
      containers: [
        {
          name: 'main',
          image: 'registry.invalid/cyclone/noop:1',
          resources: { requests: { cpu: '100m', memory: '64Mi' } },
        },
      ],
    },
  };
}

describe('test control plane', () => {
  test('serves a CRD and streams watch events for custom objects', async ({ clients, namespace }) => {
    await installWidgetCrd(clients);
    const { customObjects, watch } = clients;
    const ref = { group: GROUP, version: VERSION, namespace, plural: PLURAL };

    // Structural schema is enforced.
    const invalid = customObjects.createNamespacedCustomObject({
      ...ref,
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 0 } },
    });
    await expect(invalid).rejects.toMatchObject({ code: 422 });

    const events = await recordWatch<Widget>(watch, `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`);
    try {
      const created = (await customObjects.createNamespacedCustomObject({
        ...ref,
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'Widget',
          metadata: { name: 'w1' },
          spec: { size: 3, color: 'blue' },
          // Ignored on create: status is a subresource.
          status: { phase: 'Bogus' },
        },
      })) as Widget;
      expect(created.metadata.generation).toBe(1);
      expect(created.status).toBeUndefined();

      const added = await events.next((e) => e.type === 'ADDED' && e.object.metadata.name === 'w1');
      expect(added.object.spec).toEqual({ size: 3, color: 'blue' });

      // Status update through the status subresource: MODIFIED, generation unchanged.
      const withStatus = (await customObjects.replaceNamespacedCustomObjectStatus({
        ...ref,
        name: 'w1',
        body: { ...created, status: { phase: 'Ready', observedGeneration: 1 } },
      })) as Widget;
      const statusEvent = await events.next((e) => e.type === 'MODIFIED' && e.object.status?.phase === 'Ready');
      expect(statusEvent.object.metadata.generation).toBe(1);
      expect(statusEvent.object.status).toEqual({ phase: 'Ready', observedGeneration: 1 });

      // Spec update: MODIFIED with a new generation, status kept.
      await customObjects.replaceNamespacedCustomObject({
        ...ref,
        name: 'w1',
        body: { ...withStatus, spec: { size: 5, color: 'blue' } },
      });
      const specEvent = await events.next((e) => e.type === 'MODIFIED' && e.object.spec.size === 5);
      expect(specEvent.object.metadata.generation).toBe(2);
      expect(specEvent.object.status?.phase).toBe('Ready');

      await customObjects.deleteNamespacedCustomObject({ ...ref, name: 'w1' });
      await events.next((e) => e.type === 'DELETED' && e.object.metadata.name === 'w1');
    } finally {
      events.stop();
    }
  });

  test('schedules a pod onto a fake node and runs it to Succeeded', async ({ clients, namespace }) => {
    const { core, watch } = clients;
    const events = await recordWatch<V1Pod>(watch, `/api/v1/namespaces/${namespace}/pods`, {
      fieldSelector: 'metadata.name=ok',
    });
    try {
      const created = await core.createNamespacedPod({ namespace, body: fakePod('ok') });
      expect(created.spec?.nodeName).toBeUndefined();
      expect(created.status?.phase).toBe('Pending');

      const scheduled = await events.next((e) => !!e.object.spec?.nodeName);
      expect(FAKE_NODE_NAMES).toContain(scheduled.object.spec?.nodeName);
      expect(scheduled.object.status?.phase).toBe('Pending');
      expect(scheduled.object.status?.conditions).toContainEqual(
        expect.objectContaining({ type: 'PodScheduled', status: 'True' }),
      );

      const running = await events.next((e) => e.object.status?.phase === 'Running');
      expect(running.object.status?.containerStatuses?.[0]?.state?.running?.startedAt).toBeTruthy();
      expect(running.object.status?.podIP).toBeTruthy();

      const done = await events.next((e) => e.object.status?.phase === 'Succeeded');
      const terminated = done.object.status?.containerStatuses?.[0]?.state?.terminated;
      expect(terminated?.exitCode).toBe(0);
      expect(terminated?.reason).toBe('Completed');
      // Nothing moved the pod backwards on the way.
      const phases = events.events.map((e) => e.object.status?.phase);
      expect(phases.indexOf('Running')).toBeLessThan(phases.indexOf('Succeeded'));
      expect(phases.lastIndexOf('Pending')).toBeLessThan(phases.indexOf('Running'));

      // The binding was made by kube-scheduler.
      const scheduledEvent = await waitUntil('Scheduled event', async () => {
        const list = await core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=ok' });
        return list.items.find((e) => e.reason === 'Scheduled');
      });
      expect(scheduledEvent.reportingComponent || scheduledEvent.source?.component).toBe('default-scheduler');
    } finally {
      events.stop();
    }
  });

  test('a pod annotated with an exit code fails with it', async ({ clients, namespace }) => {
    const { core, watch } = clients;
    const events = await recordWatch<V1Pod>(watch, `/api/v1/namespaces/${namespace}/pods`, {
      fieldSelector: 'metadata.name=fails',
    });
    try {
      await core.createNamespacedPod({
        namespace,
        body: fakePod('fails', {
          annotations: {
            'testenv.cyclone.dev/exit-code': '3',
            'testenv.cyclone.dev/message': 'boom',
            'testenv.cyclone.dev/run-duration': '200ms',
          },
        }),
      });
      await events.next((e) => e.object.status?.phase === 'Running');
      const failed = await events.next((e) => e.object.status?.phase === 'Failed');
      const terminated = failed.object.status?.containerStatuses?.[0]?.state?.terminated;
      expect(terminated).toMatchObject({ exitCode: 3, reason: 'Error', message: 'boom' });
      expect(events.events.some((e) => e.object.status?.phase === 'Succeeded')).toBe(false);
    } finally {
      events.stop();
    }
  });

  test('a long-running pod stays Running and is removed when deleted', async ({ clients, namespace }) => {
    const { core, watch } = clients;
    const events = await recordWatch<V1Pod>(watch, `/api/v1/namespaces/${namespace}/pods`, {
      fieldSelector: 'metadata.name=server',
    });
    try {
      await core.createNamespacedPod({ namespace, body: fakePod('server', { restartPolicy: 'Always' }) });
      await events.next((e) => e.object.status?.phase === 'Running');
      await sleep(1_500); // longer than the default run duration
      const current = await core.readNamespacedPod({ name: 'server', namespace });
      expect(current.status?.phase).toBe('Running');

      // Graceful deletion completes without a kubelet: kwok finalizes it.
      await core.deleteNamespacedPod({ name: 'server', namespace });
      await events.next((e) => e.type === 'DELETED', 30_000);
    } finally {
      events.stop();
    }
  });

  test('the controller-manager publishes the cluster CA into new namespaces', async ({ clients, namespace }) => {
    const cm = await waitUntil('kube-root-ca.crt', async () => {
      try {
        return await clients.core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace });
      } catch (err) {
        if (apiStatus(err) === 404) return undefined;
        throw err;
      }
    });
    expect(cm.data?.['ca.crt']).toContain('BEGIN CERTIFICATE');
  });
});
