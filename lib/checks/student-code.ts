/**
 * Runs a piece of the student's code inside a check, so that every way it can go wrong ends as one
 * clear CheckFailed: the stub's "not implemented yet", or whatever else it threw.
 */
import { CheckFailed, isNotImplemented } from './check-failed';

/** Formats a number for a check's message: up to 9 significant digits, no trailing noise. */
export function shown(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(9))) : String(value);
}

/**
 * Returns `run()`; throws CheckFailed("`what` is not implemented yet ...") when it throws the
 * stub's error, and CheckFailed("`what` threw ...") when it throws anything else. `what` reads
 * like "your Adam rule".
 */
export function studentCode<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CheckFailed) throw error;
    if (isNotImplemented(error)) {
      throw new CheckFailed(`${what} is not implemented yet: replace the stub's two lines ("// YOUR CODE HERE" and the throw) ` +
        'with your code, run that cell, then this one again.');
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CheckFailed(`${what} threw ${message}`);
  }
}

/** Throws CheckFailed unless `value` is a finite number; `what` names where it came from. */
export function requireFiniteNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CheckFailed(`${what} is ${typeof value === 'number' ? value : `${JSON.stringify(value) ?? String(value)} (a ${typeof value})`}; it must be a finite number.`);
  }
  return value;
}
