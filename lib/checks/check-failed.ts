/**
 * The outcome of a student edition's check cell.
 *
 * A check (one file each in lib/checks/) runs the student's code against the library. It returns a
 * one-line message starting with "passed:" when the code is right, and throws a CheckFailed that
 * names the first difference (which step, which value, what was expected) when it is not. Code that
 * still holds the stub of the student edition fails with "not implemented yet".
 */
export class CheckFailed extends Error {
  override name = 'CheckFailed';
}

/** The stub a student edition puts in place of each solution region (also nbgrader's code stub). */
export const SOLUTION_STUB = "// YOUR CODE HERE\nthrow new Error('not implemented yet');";

/** True for the error the stub throws. */
export function isNotImplemented(error: unknown): boolean {
  return error instanceof Error && /not implemented yet/.test(error.message);
}

/** A one-line pass message, as every check returns it. */
export function passed(what: string): string {
  return `passed: ${what}`;
}
