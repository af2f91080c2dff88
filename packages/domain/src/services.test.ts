import { describe, expect, it } from 'vitest';
import { stageDefinitionSchema, workflowSpecSchema } from './specs.js';

describe('workflowSpecSchema: stage services', () => {
  const parse = (stages: unknown[]) => workflowSpecSchema.safeParse({ stages });
  const messages = (result: ReturnType<typeof parse>) =>
    result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const stage = (services: unknown[]) => ({ name: 'test', image: 'debian', services });

  it('takes services with defaults', () => {
    const result = parse([stage([{ name: 'db', image: 'redis', readiness: { tcpPort: 6379 } }])]);
    expect(result.success && result.data.stages[0]?.services).toEqual([
      { name: 'db', image: 'redis', command: [], args: [], env: [], readiness: { tcpPort: 6379 } },
    ]);
    const long = 'a'.repeat(60);
    expect(messages(parse([stage([{ name: long, image: 'redis' }])]))).toEqual([
      'stages.0.services.0.name: must be at most 59 characters',
    ]);
  });

  it('names must be DNS labels, unique, and not the stage itself', () => {
    const result = parse([
      stage([
        { name: 'DB', image: 'redis' },
        { name: 'cache', image: 'redis' },
        { name: 'cache', image: 'redis' },
        { name: 'test', image: 'redis' },
      ]),
    ]);
    expect(messages(result)).toEqual([
      expect.stringMatching(/^stages\.0\.services\.0\.name: must be lower-case letters/),
      'stages.0.services.2.name: service "cache" is repeated',
      'stages.0.services.3.name: must not be the stage\'s own name "test"',
    ]);
  });

  it('readiness has exactly one of command or tcpPort, a port in range and a duration', () => {
    const bad = [
      { name: 'a', image: 'r', readiness: {} },
      { name: 'b', image: 'r', readiness: { command: ['true'], tcpPort: 1 } },
      { name: 'c', image: 'r', readiness: { tcpPort: 70_000 } },
      { name: 'd', image: 'r', readiness: { command: [] } },
      { name: 'e', image: 'r', readiness: { tcpPort: 1, timeout: 'soon' } },
      { name: 'f', image: '' },
    ];
    expect(messages(parse([stage(bad)]))).toEqual([
      'stages.0.services.0.readiness: needs exactly one of command or tcpPort',
      'stages.0.services.1.readiness: needs exactly one of command or tcpPort',
      expect.stringMatching(/^stages\.0\.services\.2\.readiness\.tcpPort: /),
      expect.stringMatching(/^stages\.0\.services\.3\.readiness\.command: /),
      'stages.0.services.4.readiness.timeout: must be a duration like 90s, 30m, 1h or 1h30m',
      expect.stringMatching(/^stages\.0\.services\.5\.image: /),
    ]);
  });

  it('an approval gate or a child workflow takes no services', () => {
    const result = parse([
      { name: 'gate', approval: {}, services: [{ name: 'db', image: 'r' }] },
      { name: 'child', workflow: { name: 'other' }, services: [{ name: 'db', image: 'r' }] },
    ]);
    expect(messages(result)).toEqual([
      'stages.0.services: an approval stage runs nothing: it takes no services',
      'stages.1.services: a child-workflow stage runs no container: it takes no services',
    ]);
  });

  it('a Stage definition keeps its services', () => {
    const parsed = stageDefinitionSchema.parse({
      name: 'test',
      image: 'debian',
      services: [
        { name: 'db', image: 'redis', command: ['redis-server'], readiness: { command: ['redis-cli', 'ping'] } },
      ],
    });
    expect(parsed.services?.[0]?.readiness).toEqual({ command: ['redis-cli', 'ping'] });
  });
});
