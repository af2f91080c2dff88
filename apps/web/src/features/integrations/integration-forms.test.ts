import { describe, expect, it } from 'vitest';
import {
  FORM_FIELDS,
  type IntegrationFormValues,
  missingFields,
  toFormValues,
  toIntegrationPayload,
} from './integration-forms';

const form = (over: Partial<IntegrationFormValues>): IntegrationFormValues => ({
  name: 'x',
  description: '',
  type: 'GITHUB',
  fields: {},
  pairs: [],
  ...over,
});

describe('toIntegrationPayload', () => {
  it('splits an SCM form into readable config and write-only secret', () => {
    const payload = toIntegrationPayload(
      form({
        type: 'GITLAB',
        fields: { server: ' https://gitlab.local ', username: 'ci', token: 'glpat-1', webhookSecret: '' },
      }),
    );
    expect(payload).toEqual({
      config: { server: 'https://gitlab.local', username: 'ci' },
      secret: { token: 'glpat-1' },
    });
  });

  it('leaves blank secrets out so an edit keeps the stored ones', () => {
    const payload = toIntegrationPayload(form({ type: 'GIT', fields: { server: 'https://g/r.git', password: '   ' } }));
    expect(payload.secret).toEqual({});
  });

  it('keeps a kubeconfig as typed, newlines included', () => {
    const kubeconfig = 'apiVersion: v1\nkind: Config\n';
    const payload = toIntegrationPayload(form({ type: 'KUBERNETES', fields: { kubeconfig, namespace: 'ci' } }));
    expect(payload).toEqual({ config: { namespace: 'ci' }, secret: { kubeconfig } });
  });

  it('puts GENERAL pairs into config or secret by their flag and skips blank keys', () => {
    const payload = toIntegrationPayload(
      form({
        type: 'GENERAL',
        pairs: [
          { key: 'smtpHost', value: 'mail.local', isSecret: false },
          { key: 'smtpPassword', value: 's3cret', isSecret: true },
          { key: 'kept', value: '', isSecret: true },
          { key: ' ', value: 'dropped', isSecret: false },
        ],
      }),
    );
    expect(payload).toEqual({ config: { smtpHost: 'mail.local' }, secret: { smtpPassword: 's3cret' } });
  });
});

describe('toFormValues', () => {
  it('shows the readable config and no secret values', () => {
    const values = toFormValues({
      name: 'gh',
      description: 'd',
      type: 'GITHUB',
      config: { server: 'https://api.github.com', username: 'bot' },
      secretFields: ['token'],
    });
    expect(values.fields).toEqual({ server: 'https://api.github.com', username: 'bot' });
  });

  it('lists GENERAL secret keys as blank secret pairs', () => {
    const values = toFormValues({
      name: 'g',
      description: '',
      type: 'GENERAL',
      config: { host: 'h', port: 25 },
      secretFields: ['password'],
    });
    expect(values.pairs).toEqual([
      { key: 'host', value: 'h', isSecret: false },
      { key: 'port', value: '25', isSecret: false },
      { key: 'password', value: '', isSecret: true },
    ]);
  });
});

describe('missingFields', () => {
  it('requires the server where the type has no public default', () => {
    expect(missingFields(form({ type: 'GITLAB' }), false)).toEqual(['server']);
    expect(missingFields(form({ type: 'GITHUB' }), false)).toEqual([]);
    expect(missingFields(form({ type: 'DOCKER_HUB' }), false)).toEqual([]);
  });

  it('gives every type a form (GENERAL uses free pairs)', () => {
    for (const [type, fields] of Object.entries(FORM_FIELDS)) {
      if (type !== 'GENERAL') expect(fields.length).toBeGreaterThan(0);
    }
  });
});
