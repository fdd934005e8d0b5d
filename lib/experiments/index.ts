export * from './cache';
export * from './runner';
export * from './spec';
