/** Checks for the student editions' check cells: one file per exercise. */
export * from './check-failed';
export * from './rosenbrock-gradient';
