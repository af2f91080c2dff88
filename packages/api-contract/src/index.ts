export * from './graphql.js';
export * from './logs.js';
export * from './runs.js';
export * from './workflows.js';
