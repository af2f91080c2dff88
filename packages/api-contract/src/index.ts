export * from './graphql.js';
export * from './logs.js';
export * from './workflows.js';
