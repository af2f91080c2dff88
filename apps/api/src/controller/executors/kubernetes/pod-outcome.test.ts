import type { V1Pod } from '@cyclone/k8s';
import { describe, expect, it } from 'vitest';
import { isLaterPod, podOutcome, STUCK_WAITING_MS } from './pod-outcome.js';

const now = new Date('2026-11-26T01:00:00Z');
const pod = (status: V1Pod['status'], createdMsAgo = 1000): V1Pod => ({
  metadata: { name: 'p', creationTimestamp: new Date(now.getTime() - createdMsAgo) },
  status,
});
const terminated = (exitCode: number, reason = 'Error', message?: string) => ({
  name: 'main',
  image: 'alpine',
  imageID: '',
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode, reason, message } },
});

describe('podOutcome', () => {
  it('takes the exit code of the workload container', () => {
    expect(podOutcome(pod({ phase: 'Succeeded', containerStatuses: [terminated(0, 'Completed')] }), now)).toEqual({
      isEnded: true,
      exitCode: 0,
      message: '',
    });
    expect(
      podOutcome(
        pod({
          phase: 'Failed',
          containerStatuses: [{ ...terminated(1), name: 'sidecar' }, terminated(3, 'Error', 'boom')],
        }),
        now,
      ),
    ).toEqual({ isEnded: true, exitCode: 3, message: 'exited with code 3: boom' });
  });

  it('explains OOMKilled and eviction', () => {
    expect(podOutcome(pod({ phase: 'Failed', containerStatuses: [terminated(137, 'OOMKilled')] }), now)).toMatchObject({
      isEnded: true,
      exitCode: 137,
      message: expect.stringContaining('out of memory (OOMKilled)'),
    });
    expect(
      podOutcome(pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }), now),
    ).toEqual({ isEnded: true, exitCode: null, message: 'the pod was evicted: The node was low on resource: memory.' });
  });

  it('explains an unschedulable pod without ending it', () => {
    const outcome = podOutcome(
      pod({
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available' },
        ],
      }),
      now,
    );
    expect(outcome).toEqual({
      isEnded: false,
      message: 'the pod cannot be scheduled (Unschedulable): 0/2 nodes are available',
    });
  });

  it('waits on ImagePullBackOff, then gives up; a hopeless image name fails at once', () => {
    const waiting = (reason: string) => ({
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'main',
          image: 'nope:1',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason, message: 'not found' } },
        },
      ],
    });
    expect(podOutcome(pod(waiting('ImagePullBackOff')), now)).toEqual({
      isEnded: false,
      message: 'image "nope:1" cannot be pulled (ImagePullBackOff): not found',
    });
    expect(podOutcome(pod(waiting('ErrImagePull'), STUCK_WAITING_MS + 1), now)).toMatchObject({
      isEnded: true,
      exitCode: null,
      message: expect.stringContaining('cannot be pulled (ErrImagePull)'),
    });
    expect(podOutcome(pod(waiting('InvalidImageName')), now)).toMatchObject({ isEnded: true, exitCode: null });
  });

  it('ends at once a root image refused in a restricted namespace, saying what to do', () => {
    const refused = {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'main',
          image: 'debian',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: {
            waiting: {
              reason: 'CreateContainerConfigError',
              message: 'container has runAsNonRoot and image will run as root (pod: "p", container: main)',
            },
          },
        },
      ],
    };
    expect(podOutcome(pod(refused), now)).toEqual({
      isEnded: true,
      exitCode: null,
      message: expect.stringMatching(
        /^container "main" cannot start \(CreateContainerConfigError\): container has runAsNonRoot .*Pod Security "restricted".*BASELINE$/,
      ),
    });
  });

  it('a running pod has nothing to say', () => {
    expect(podOutcome(pod({ phase: 'Running' }), now)).toEqual({ isEnded: false, message: '' });
  });
});

describe('podOutcome of a failed inputs container', () => {
  it('names the init container and its last lines', () => {
    const outcome = podOutcome(
      {
        status: {
          phase: 'Failed',
          initContainerStatuses: [
            {
              name: 'inputs',
              image: 'helper',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 1, message: 'cyclone-stage-helper: git clone failed\n' } },
            },
          ],
          containerStatuses: [
            {
              name: 'main',
              image: 'x',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'PodInitializing' } },
            },
          ],
        },
      },
      now,
    );
    expect(outcome).toEqual({
      isEnded: true,
      exitCode: null,
      message: 'inputs: exited with code 1: cyclone-stage-helper: git clone failed',
    });
  });
});

describe('isLaterPod', () => {
  const at = (resourceVersion?: string): V1Pod => ({ metadata: { name: 'p', resourceVersion } });

  it('compares resourceVersions as numbers, not as text', () => {
    expect(isLaterPod(at('1000'), at('999'))).toBe(true);
    expect(isLaterPod(at('999'), at('1000'))).toBe(false);
    expect(isLaterPod(at('42'), at('42'))).toBe(false);
  });

  it('takes nothing as later when a version is missing or not a number', () => {
    expect(isLaterPod(at(), at('1'))).toBe(false);
    expect(isLaterPod(at('2'), at())).toBe(false);
    expect(isLaterPod(at('abc'), at('1'))).toBe(false);
  });

  describe('with resolver images', () => {
    const resolvers = JSON.stringify([
      { container: 'pull-0', name: 'greet', operation: 'pull', image: 'r:1' },
      { container: 'push-0', name: 'out', operation: 'push', image: 'r:1' },
    ]);
    const withResolvers = (status: V1Pod['status']): V1Pod => ({
      ...pod(status),
      metadata: { ...pod(status).metadata, annotations: { 'cyclone.dev/resolvers': resolvers } },
    });
    const helper = (ready: boolean) => ({ ...terminated(0), name: 'helper', ready, state: { running: {} } });
    const push = { ...terminated(0), name: 'push-0', state: { running: {} } };

    it('names the resource whose pull or push failed', () => {
      const pull = { ...terminated(3), name: 'pull-0' };
      expect(podOutcome(withResolvers({ phase: 'Failed', initContainerStatuses: [pull] }), now)).toEqual({
        isEnded: true,
        exitCode: null,
        message: 'resource "greet": resolver pull exited with code 3',
      });
      const failedPush = { ...terminated(2), name: 'push-0' };
      expect(
        podOutcome(withResolvers({ phase: 'Failed', containerStatuses: [terminated(0), failedPush] }), now),
      ).toEqual({ isEnded: true, exitCode: null, message: 'resource "out": resolver push exited with code 2' });
    });

    it('ends the attempt with the workload once the helper cancelled the waiting pushes', () => {
      const running = (ready: boolean, code: number) =>
        withResolvers({
          phase: 'Running',
          initContainerStatuses: [helper(ready)],
          containerStatuses: [terminated(code), push],
        });
      expect(podOutcome(running(false, 1), now)).toEqual({ isEnded: false, message: '' });
      expect(podOutcome(running(true, 1), now)).toEqual({ isEnded: true, exitCode: 1, message: 'exited with code 1' });
      // A zero exit whose outputs were not all stored: the exit's checks say which.
      expect(podOutcome(running(true, 0), now)).toEqual({ isEnded: true, exitCode: 0, message: '' });
    });
  });
});
