export * from './durations.js';
export * from './error-codes.js';
export * from './names.js';
export * from './phases.js';
export * from './resources.js';
export * from './specs.js';
export * from './stage-template-spec.js';
export * from './templates.js';
