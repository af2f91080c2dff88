import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind name action } }';
const SETTINGS = `query($project: String!) { workflow(tenant: "acme", project: $project, name: "ci") {
  yaml notifications { policy receivers { name type url to integration hasSecret } } } }`;
const SET = `mutation($input: SetWorkflowNotificationsInput!) {
  setWorkflowNotifications(input: $input) { policy } }`;
const GENERAL = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }';

const STAGE = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: build}
spec:
  pod:
    spec:
      containers: [{image: alpine:3.20, command: [sh, -c, echo built]}]
`;

/** The original's golang example's shape: a Workflow with `spec.notification` (lines indented by four). */
const workflow = (notification: string) => `${STAGE}---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: ci}
spec:
  stages:
    - name: build
${notification}`;

const UPSTREAM = workflow(`  notification:
    policy: Failure
    receivers:
      - type: Email
        addresses: [dev@example.com, ops@example.com]
      - type: Slack
        addresses: ["https://hooks.slack.example/T1/B1/one", "https://hooks.slack.example/T1/B1/two"]
      - type: Webhook
        addresses: ["https://ci.example.com/hook"]
`);

type Settings = {
  workflow: {
    yaml: string;
    notifications: {
      policy: string;
      receivers: {
        name: string;
        type: string;
        url: string | null;
        to: string[] | null;
        integration: string | null;
        hasSecret: boolean;
      }[];
    } | null;
  };
};

/** Workflow `spec.notification` of the original Cyclone, applied onto and exported from a workflow's notifications. */
describe('run notifications in Workflow documents', () => {
  let api: TestApi;
  let admin: string;
  let dev: string;
  const apply = (yaml: string, project = 'web') =>
    api.graphql(APPLY, { input: { tenant: 'acme', project, yaml } }, dev);
  const settings = async (project = 'web') => {
    const result = await api.graphql<Settings>(SETTINGS, { project }, dev);
    expect(result.errors).toBeUndefined();
    return (result.data as Settings).workflow;
  };

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web', 'api', 'ops'], roles: ['DEVELOPER'] })).DEVELOPER;
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('refuses an Email receiver while the tenant has no SMTP integration, writing nothing', async () => {
    const refused = await apply(UPSTREAM, 'ops');
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'documents[1].spec.notification.receivers[0].type',
    });
    expect(refused.errors?.[0]?.message).toMatch(/no GENERAL integration with SMTP settings/);
    const none = await api.graphql(SETTINGS, { project: 'ops' }, dev);
    expect(none.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('maps the receivers onto the workflow, exports them, and the export applies back unchanged', async () => {
    const mail = await api.graphql(
      GENERAL,
      {
        input: {
          tenant: 'acme',
          name: 'mail',
          type: 'GENERAL',
          config: { smtpHost: '127.0.0.1', smtpPort: 2525, from: 'cyclone@example.com' },
          secret: {},
        },
      },
      admin,
    );
    expect(mail.errors).toBeUndefined();
    expect((await apply(UPSTREAM)).errors).toBeUndefined();
    const first = await settings();
    expect(first.notifications).toEqual({
      policy: 'FAILURE',
      receivers: [
        {
          name: 'email-1',
          type: 'EMAIL',
          url: null,
          to: ['dev@example.com', 'ops@example.com'],
          integration: 'mail',
          hasSecret: false,
        },
        { name: 'slack-2-1', type: 'SLACK', url: null, to: null, integration: null, hasSecret: true },
        { name: 'slack-2-2', type: 'SLACK', url: null, to: null, integration: null, hasSecret: true },
        {
          name: 'webhook-3-1',
          type: 'WEBHOOK',
          url: 'https://ci.example.com/hook',
          to: null,
          integration: null,
          hasSecret: false,
        },
      ],
    });
    // The Slack URLs are sealed: the export names them, never prints them.
    expect(first.yaml).toContain(
      [
        '  notification:',
        '    policy: Failure',
        '    receivers:',
        '      - type: Email',
        '        addresses:',
        '          - dev@example.com',
        '          - ops@example.com',
        '      - type: Slack',
        '        addresses:',
        '          - sealed:slack-2-1',
        '          - sealed:slack-2-2',
        '      - type: Webhook',
        '        addresses:',
        '          - https://ci.example.com/hook',
      ].join('\n'),
    );
    expect(first.yaml).not.toContain('hooks.slack.example');
    const again = await apply(first.yaml);
    expect(again.errors).toBeUndefined();
    const second = await settings();
    expect(second.notifications).toEqual(first.notifications);
    expect(second.yaml).toBe(first.yaml);
  });

  it('keeps receivers a document does not mention, and a webhook signing key across an apply', async () => {
    const set = await api.graphql(
      SET,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          workflow: 'ci',
          policy: 'ALWAYS',
          receivers: [{ name: 'ci-hook', type: 'WEBHOOK', url: 'https://ci.example.com/hook', secret: 'k3y' }],
        },
      },
      dev,
    );
    expect(set.errors).toBeUndefined();
    // No spec.notification: the settings stay.
    expect((await apply(workflow(''))).errors).toBeUndefined();
    expect((await settings()).notifications?.receivers.map((r) => r.name)).toEqual(['ci-hook']);
    const exported = (await settings()).yaml;
    expect(exported).toContain('  notification:\n    policy: Always\n');
    expect((await apply(exported)).errors).toBeUndefined();
    expect((await settings()).notifications?.receivers).toEqual([
      {
        name: 'webhook-1-1',
        type: 'WEBHOOK',
        url: 'https://ci.example.com/hook',
        to: null,
        integration: null,
        hasSecret: true,
      },
    ]);
    // No receivers: notifications off.
    expect((await apply(workflow('  notification:\n    receivers: []\n'))).errors).toBeUndefined();
    expect((await settings()).notifications).toBeNull();
  });

  it('refuses a sealed Slack URL another workflow holds, and a bad address, naming the field', async () => {
    expect((await apply(UPSTREAM)).errors).toBeUndefined();
    const exported = (await settings()).yaml;
    const elsewhere = await apply(exported, 'api');
    expect(elsewhere.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'documents[1].spec.notification.receivers[1].addresses[0]',
    });
    expect(elsewhere.errors?.[0]?.message).toMatch(/sealed:slack-2-1 names no Slack URL stored for this workflow/);
    const bad = await apply(workflow('  notification:\n    receivers: [{type: Email, addresses: [not-an-address]}]\n'));
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'documents[1].spec.notification.receivers[0].addresses',
    });
    expect(bad.errors?.[0]?.message).toMatch(/must be an email address/);
    const hook = await apply(workflow('  notification:\n    receivers: [{type: Webhook, addresses: [ftp://x]}]\n'));
    expect(hook.errors?.[0]?.extensions).toMatchObject({
      field: 'documents[1].spec.notification.receivers[0].addresses[0]',
    });
    // Nothing half-written: the settings are those of the last good apply.
    expect((await settings()).notifications?.receivers).toHaveLength(4);
  });
});
