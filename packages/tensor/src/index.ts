export * from './backend.js';
export * from './dtype.js';
export * from './errors.js';
export * from './shape.js';
export * from './registry.js';
