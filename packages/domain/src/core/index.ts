/**
 * `@cyclone/domain/core`: the rules with no dependencies at all, for code that must
 * stay small (the stage helper image, the web's first load). The package's main entry
 * re-exports all of it along with the zod schemas.
 */

export * from './cache-keys.js';
export * from './dns-label.js';
export * from './durations.js';
export * from './error-codes.js';
export * from './line-cutter.js';
export * from './log-search.js';
export * from './logs.js';
export * from './phases.js';
export * from './storable-text.js';
