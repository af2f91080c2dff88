export * from './error-codes.js';
export * from './names.js';
export * from './phases.js';
export * from './specs.js';
