import { describe, expect, it } from 'vitest';
import { type DocumentContext, documentFromReceivers, receiversFromDocument } from './notification-document.rules.js';

const context: DocumentContext = {
  stored: { 'slack-1-1.url': 'https://hooks.slack.example/kept' },
  smtpIntegration: () => 'mail',
  webhookKey: (url: string) => (url === 'https://ci.example.com/signed' ? 'k3y' : undefined),
};

describe('notification receivers in Workflow documents', () => {
  it('names receivers by place: one EMAIL per receiver, one SLACK or WEBHOOK per address', () => {
    const mapped = receiversFromDocument(
      {
        policy: 'ALWAYS',
        receivers: [
          { type: 'SLACK', addresses: ['sealed:slack-1-1', 'https://hooks.slack.example/new'] },
          { type: 'EMAIL', addresses: ['a@example.com', 'b@example.com'] },
          { type: 'WEBHOOK', addresses: ['https://ci.example.com/signed', 'https://ci.example.com/plain'] },
        ],
      },
      'spec.notification',
      context,
    );
    expect(mapped).toEqual([
      {
        input: { name: 'slack-1-1', type: 'SLACK', url: 'https://hooks.slack.example/kept' },
        field: 'spec.notification.receivers[0].addresses[0]',
      },
      {
        input: { name: 'slack-1-2', type: 'SLACK', url: 'https://hooks.slack.example/new' },
        field: 'spec.notification.receivers[0].addresses[1]',
      },
      {
        input: { name: 'email-2', type: 'EMAIL', to: ['a@example.com', 'b@example.com'], integration: 'mail' },
        field: 'spec.notification.receivers[1].addresses',
      },
      {
        input: { name: 'webhook-3-1', type: 'WEBHOOK', url: 'https://ci.example.com/signed', secret: 'k3y' },
        field: 'spec.notification.receivers[2].addresses[0]',
      },
      {
        input: { name: 'webhook-3-2', type: 'WEBHOOK', url: 'https://ci.example.com/plain' },
        field: 'spec.notification.receivers[2].addresses[1]',
      },
    ]);
  });

  it('says why a receiver cannot be made', () => {
    const one = (receiver: { type: 'EMAIL' | 'SLACK' | 'WEBHOOK'; addresses: string[] }, ctx = context) =>
      receiversFromDocument({ policy: 'ALWAYS', receivers: [receiver] }, 'n', ctx);
    expect(one({ type: 'WEBHOOK', addresses: [] })).toEqual({
      field: 'n.receivers[0].addresses',
      message: 'needs at least one address',
    });
    expect(one({ type: 'SLACK', addresses: ['sealed:slack-9-9'] })).toMatchObject({
      field: 'n.receivers[0].addresses[0]',
    });
    // A sealed reference stands only for a Slack URL.
    expect(one({ type: 'WEBHOOK', addresses: ['sealed:slack-1-1'] })).toMatchObject({
      message: 'sealed:slack-1-1 names no Slack URL stored for this workflow: give the URL itself',
    });
    expect(
      one(
        { type: 'EMAIL', addresses: ['a@example.com'] },
        { ...context, smtpIntegration: () => ({ problem: 'no SMTP' }) },
      ),
    ).toEqual({ field: 'n.receivers[0].type', message: 'no SMTP' });
  });

  it('groups receivers back by their names, and prints any other receiver on its own', () => {
    expect(
      documentFromReceivers('FAILURE', [
        { name: 'slack-1-1', type: 'SLACK' },
        { name: 'slack-1-2', type: 'SLACK' },
        { name: 'email-2', type: 'EMAIL', to: ['a@example.com'], integration: 'mail' },
        { name: 'ops', type: 'WEBHOOK', url: 'https://ops.example.com' },
        { name: 'webhook-3-1', type: 'WEBHOOK', url: 'https://a.example.com' },
        { name: 'webhook-3-2', type: 'WEBHOOK', url: 'https://b.example.com' },
        // A name of another type's pattern does not join a group.
        { name: 'slack-4-1', type: 'WEBHOOK', url: 'https://c.example.com' },
      ]),
    ).toEqual({
      policy: 'FAILURE',
      receivers: [
        { type: 'SLACK', addresses: ['sealed:slack-1-1', 'sealed:slack-1-2'] },
        { type: 'EMAIL', addresses: ['a@example.com'] },
        { type: 'WEBHOOK', addresses: ['https://ops.example.com'] },
        { type: 'WEBHOOK', addresses: ['https://a.example.com', 'https://b.example.com'] },
        { type: 'WEBHOOK', addresses: ['https://c.example.com'] },
      ],
    });
  });
});
