import { describe, expect, it } from 'vitest';
import { en } from './dictionaries/en';
import { zhCN } from './dictionaries/zh-CN';
import { matchLocale, negotiateLocale, translate } from './locales';

describe('negotiateLocale', () => {
  it('follows the browser preference, honouring q-values', () => {
    expect(negotiateLocale('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(negotiateLocale('en-US,en;q=0.9')).toBe('en');
    expect(negotiateLocale('en;q=0.5,zh-Hans;q=0.8')).toBe('zh-CN');
    expect(negotiateLocale('fr-FR,de;q=0.9,zh-TW;q=0.3')).toBe('zh-CN');
  });

  it('defaults to English', () => {
    expect(negotiateLocale(undefined)).toBe('en');
    expect(negotiateLocale('')).toBe('en');
    expect(negotiateLocale('fr,de;q=0.9')).toBe('en');
    expect(negotiateLocale('zh;q=0')).toBe('en');
  });
});

describe('matchLocale', () => {
  it('maps language tags to supported locales', () => {
    expect(matchLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(matchLocale('EN-gb')).toBe('en');
    expect(matchLocale('ja')).toBeNull();
  });
});

describe('translate', () => {
  it('fills named parameters and leaves unknown ones visible', () => {
    expect(translate('en', 'common.errorCode', { code: 'NOT_FOUND' })).toBe('Code: NOT_FOUND');
    expect(translate('zh-CN', 'userMenu.label', { name: 'Ada' })).toBe('Ada 的账户菜单');
    expect(translate('en', 'common.errorCode')).toBe('Code: {code}');
  });
});

describe('dictionaries', () => {
  it('have the same keys and no empty message', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const dictionary of [en, zhCN]) {
      for (const [key, message] of Object.entries(dictionary)) expect(message.trim(), key).not.toBe('');
    }
  });

  it('use the same placeholders in every language', () => {
    const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
    }
  });
});
