import { describe, expect, it } from 'vitest';
import { formatManifestError, parseManifests, printManifests } from './index.js';

/** A Workflow document whose spec starts with the given lines (indented two spaces). */
const workflow = (lines: string) => `apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: ci}
spec:
${lines}  stages:
    - name: build
`;

const errorsOf = (yaml: string) => parseManifests(yaml).errors.map(formatManifestError);
const notificationOf = (yaml: string) => {
  const { documents, errors } = parseManifests(yaml);
  expect(errors).toEqual([]);
  const [flow] = documents;
  if (flow?.kind !== 'Workflow') throw new Error('expected a Workflow');
  return flow;
};

describe('run notifications (Workflow spec.notification)', () => {
  it("reads the original's policy and receivers in any case and prints them back in its spelling", () => {
    const upstream = workflow(
      [
        '  notification:',
        '    policy: failure',
        '    receivers:',
        '      - {type: Email, addresses: [dev@example.com, ops@example.com]}',
        '      - {type: SLACK, addresses: ["https://hooks.slack.example/T1/B1/x"]}',
        '      - {type: Webhook, addresses: ["https://ci.example.com/hook"]}',
        '',
      ].join('\n'),
    );
    const flow = notificationOf(upstream);
    expect(flow.spec.notification).toEqual({
      policy: 'FAILURE',
      receivers: [
        { type: 'EMAIL', addresses: ['dev@example.com', 'ops@example.com'] },
        { type: 'SLACK', addresses: ['https://hooks.slack.example/T1/B1/x'] },
        { type: 'WEBHOOK', addresses: ['https://ci.example.com/hook'] },
      ],
    });
    const printed = printManifests([flow]);
    expect(printed).toContain(
      '  notification:\n    policy: Failure\n    receivers:\n      - type: Email\n        addresses:\n          - dev@example.com\n',
    );
    expect(parseManifests(printed).documents).toEqual([flow]);
  });

  it('takes Always when no policy is given, and no receivers as notifications off; absent says nothing', () => {
    expect(notificationOf(workflow('  notification:\n    receivers: []\n')).spec.notification).toEqual({
      policy: 'ALWAYS',
      receivers: [],
    });
    expect(notificationOf(workflow('')).spec.notification).toBeUndefined();
  });

  it('refuses an unknown policy or receiver type and a receiver without a type, naming the field', () => {
    expect(errorsOf(workflow('  notification: {policy: Sometimes}\n'))).toEqual([
      'documents[0].spec.notification.policy: must be one of Always, Failure, Success',
    ]);
    expect(errorsOf(workflow('  notification:\n    receivers: [{type: Pager, addresses: [x]}]\n'))).toEqual([
      'documents[0].spec.notification.receivers[0].type: must be one of Email, Slack, Webhook',
    ]);
    expect(errorsOf(workflow('  notification:\n    receivers: [{addresses: [x]}]\n'))).toEqual([
      'documents[0].spec.notification.receivers[0].type: required',
    ]);
    expect(errorsOf(workflow('  notification: loud\n'))).toHaveLength(1);
  });
});
