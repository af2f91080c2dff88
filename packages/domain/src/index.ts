export * from './core/index.js';
export * from './dns-label-schema.js';
export * from './pod-spec-extras.js';
export * from './resources.js';
export * from './specs.js';
export * from './stage-template-spec.js';
export * from './templates.js';
export * from './values.js';
