import { describe, expect, it } from 'vitest';
import { parseManifests, printManifests } from './index.js';

describe('stage services in a Stage document (spec.pod.spec.services)', () => {
  const text = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata:
  name: integration
spec:
  pod:
    spec:
      services:
        - name: db
          image: local/redis:bookworm
          command:
            - redis-server
          args:
            - --port
            - "6379"
          env:
            - name: LANG
              value: C.UTF-8
          readiness:
            tcpPort: 6379
            timeout: 1m
        - name: cache
          image: memcached:1
          readiness:
            command:
              - sh
              - -c
              - echo ok
      containers:
        - image: local/redis:bookworm
          command:
            - redis-cli
            - -h
            - db
            - ping
`;

  it('reads services beside the containers and prints them back as they were', () => {
    const { documents, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    const stage = documents[0];
    expect(stage?.kind === 'Stage' && stage.spec.podSpecExtras).toBeUndefined();
    expect(stage?.kind === 'Stage' && stage.spec.services).toEqual([
      {
        name: 'db',
        image: 'local/redis:bookworm',
        command: ['redis-server'],
        args: ['--port', '6379'],
        env: [{ name: 'LANG', value: 'C.UTF-8' }],
        readiness: { tcpPort: 6379, timeout: '1m' },
      },
      {
        name: 'cache',
        image: 'memcached:1',
        command: [],
        args: [],
        env: [],
        readiness: { command: ['sh', '-c', 'echo ok'] },
      },
    ]);
    expect(printManifests(documents)).toBe(text);
  });

  it('names the field of a bad service', () => {
    const bad = text
      .replace('name: cache', 'name: db')
      .replace('tcpPort: 6379', 'tcpPort: 6379\n            command: [redis-cli, ping]');
    const { errors } = parseManifests(bad);
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'documents[0].spec.pod.spec.services[0].readiness: needs exactly one of command or tcpPort',
    ]);
    const repeated = parseManifests(text.replace('name: cache', 'name: db')).errors;
    expect(repeated.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'documents[0].spec.pod.spec.services[1].name: service "db" is repeated',
    ]);
    const named = parseManifests(text.replace('name: cache', 'name: integration')).errors;
    expect(named.map((e) => e.path)).toEqual(['documents[0].spec.pod.spec.services[1].name']);
  });
});
