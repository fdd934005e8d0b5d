/** Descent Lab: everything a course notebook needs, from one import. */
export * from './backend';
export * from './charts';
export * as checks from './checks';
export * from './data';
export * from './experiments';
export * from './interrupt';
export * from './kernels';
export * from './landscape';
export * from './models';
export * from './optimizers';
export * from './schedules';
export * from './settings';
export * from './training';
export * from './trajectories';
