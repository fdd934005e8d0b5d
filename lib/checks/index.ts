/** Checks for the student editions' check cells: one file per exercise. */
export * from './check-failed';
export * from './early-stopping';
export * from './l2-penalty';
export * from './plane-projection';
export * from './rosenbrock-gradient';
export * from './schedule';
export * from './student-code';
export * from './update-rule';
