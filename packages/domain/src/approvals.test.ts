import { describe, expect, it } from 'vitest';
import { approversText, mayDecideApproval } from './approvals.js';
import { workflowSpecSchema } from './specs.js';

describe('mayDecideApproval', () => {
  const member = (role: 'OWNER' | 'ADMIN' | 'DEVELOPER' | 'VIEWER', email = 'dev@x.io') => ({ role, email });

  it('a gate naming neither roles nor users takes OWNER, ADMIN and DEVELOPER, never a VIEWER', () => {
    const gate = { roles: [], users: [] };
    expect(mayDecideApproval(gate, member('DEVELOPER'))).toBe(true);
    expect(mayDecideApproval(gate, member('OWNER'))).toBe(true);
    expect(mayDecideApproval(gate, member('VIEWER'))).toBe(false);
    expect(approversText(gate)).toBe('OWNER or ADMIN or DEVELOPER');
  });

  it('roles are exactly the roles named; named users decide whatever their role (emails ignore case)', () => {
    const gate = { roles: ['ADMIN' as const], users: ['Lead@X.io'] };
    expect(mayDecideApproval(gate, member('ADMIN'))).toBe(true);
    expect(mayDecideApproval(gate, member('OWNER'))).toBe(false);
    expect(mayDecideApproval(gate, member('VIEWER', 'lead@x.io'))).toBe(true);
    expect(approversText(gate)).toBe('ADMIN, or Lead@X.io');
  });

  it('a gate naming only users takes only them', () => {
    const gate = { roles: [], users: ['a@x.io'] };
    expect(mayDecideApproval(gate, member('OWNER'))).toBe(false);
    expect(mayDecideApproval(gate, member('VIEWER', 'a@x.io'))).toBe(true);
    expect(approversText(gate)).toBe('a@x.io');
  });
});

describe('workflowSpecSchema: approval gates', () => {
  const parse = (stages: unknown[]) => workflowSpecSchema.safeParse({ stages });
  const messages = (result: ReturnType<typeof parse>) =>
    result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

  it('a gate needs no image and takes defaults', () => {
    const result = parse([{ name: 'gate', approval: {} }]);
    expect(result.success && result.data.stages[0]?.approval).toEqual({
      count: 1,
      roles: [],
      users: [],
      onTimeout: 'FAIL',
      inputs: [],
    });
  });

  it('a gate refuses what would run, and an ordinary stage still needs its image', () => {
    const result = parse([
      { name: 'gate', image: 'alpine', command: ['sh'], retries: 2, approval: { count: 3, users: ['a@x.io'] } },
      { name: 'build' },
    ]);
    expect(messages(result)).toEqual([
      'stages.0.image: an approval stage runs nothing: it takes no image',
      'stages.0.command: an approval stage runs nothing: it takes no command',
      'stages.0.retries: an approval stage runs nothing: it takes no retries',
      'stages.0.approval.count: needs 3 approvals but names only 1 users',
      'stages.1.image: must not be empty',
    ]);
  });

  it('refuses a bad role, a bad input name, a repeated input, a bad timeout', () => {
    const result = parse([
      {
        name: 'gate',
        approval: {
          roles: ['KING'],
          timeout: 'soon',
          inputs: [{ name: '1st' }, { name: 'version' }, { name: 'version' }],
        },
      },
    ]);
    expect(messages(result).map((m) => m.split(':')[0])).toEqual([
      'stages.0.approval.roles.0',
      'stages.0.approval.timeout',
      'stages.0.approval.inputs.0.name',
    ]);
  });
});
