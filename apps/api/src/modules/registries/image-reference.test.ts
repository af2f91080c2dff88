import { describe, expect, it } from 'vitest';
import { parseImageReference } from './image-reference.js';

describe('image references', () => {
  it.each([
    ['team/app:1.0', false, { repository: 'team/app', reference: '1.0' }],
    ['team/app', false, { repository: 'team/app', reference: 'latest' }],
    ['127.0.0.1:5000/team/app:2', false, { host: '127.0.0.1:5000', repository: 'team/app', reference: '2' }],
    ['registry.example.com/a/b/c', false, { host: 'registry.example.com', repository: 'a/b/c', reference: 'latest' }],
    ['localhost/app:x', false, { host: 'localhost', repository: 'app', reference: 'x' }],
    ['alpine:3.20', true, { repository: 'library/alpine', reference: '3.20' }],
    [`team/app:1@sha256:${'a'.repeat(64)}`, false, { repository: 'team/app', reference: `sha256:${'a'.repeat(64)}` }],
  ])('parses %s', (text, isHub, expected) => {
    expect(parseImageReference(text, isHub)).toEqual(expected);
  });

  it('refuses text that is not a reference', () => {
    expect(parseImageReference('')).toBeUndefined();
    expect(parseImageReference('has space:1')).toBeUndefined();
  });
});
