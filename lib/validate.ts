/**
 * Argument checks shared by the library, so that every bad value gets the same
 * kind of message: what was wrong, the value seen, and what to pass instead.
 */

/** Throws unless `value` is a finite number greater than zero. */
export function requirePositive(owner: string, name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${owner}: ${name} must be a finite number greater than 0, got ${value}.`);
  }
  return value;
}

/** Throws unless `value` is a finite number greater than or equal to zero. */
export function requireNonNegative(owner: string, name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${owner}: ${name} must be a finite number >= 0, got ${value}.`);
  }
  return value;
}

/** Throws unless `value` is an integer in [min, max]. */
export function requireInteger(owner: string, name: string, value: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new RangeError(`${owner}: ${name} must be an integer ${range}, got ${value}.`);
  }
  return value;
}

/** Throws unless `value` lies in [min, max) - the range of a rate or a decay factor. */
export function requireFraction(owner: string, name: string, value: number, min = 0, max = 1): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value >= max) {
    throw new RangeError(`${owner}: ${name} must be a number in [${min}, ${max}), got ${value}.`);
  }
  return value;
}
