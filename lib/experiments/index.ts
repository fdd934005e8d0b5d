export * from './cache';
export * from './runner';
export * from './spec';
export * from './course';
export * from './seeds';
