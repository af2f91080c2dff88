import { describe, expect, it } from 'vitest';
import { translate } from '@/i18n/locales';
import { runWaitText } from './run-wait-text';

const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
  translate('en', key, params);
const delegation = { reason: 'DELEGATION', position: null, limit: null, estimatedStartAt: null };

describe('the wait text of a run whose delegated stages wait', () => {
  it('names the system the waiting stages handed their work to', () => {
    expect(runWaitText(delegation, t, 'en', ['Jenkins'])).toBe('Waiting for Jenkins');
    expect(runWaitText(delegation, t, 'en', ['Jenkins', 'Tekton', 'Jenkins'])).toBe('Waiting for Jenkins, Tekton');
    expect(translate('zh-CN', 'runs.wait.DELEGATION_TO', { type: 'Jenkins' })).toBe('等待 Jenkins');
  });

  it('falls back to the general text while the systems are not known yet', () => {
    expect(runWaitText(delegation, t, 'en', [''])).toBe('Waiting for the system a delegated stage handed its work to');
    expect(runWaitText(delegation, t, 'en')).toBe('Waiting for the system a delegated stage handed its work to');
    expect(runWaitText({ ...delegation, reason: 'APPROVAL' }, t, 'en', ['Jenkins'])).toBeNull();
  });
});
