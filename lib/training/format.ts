/** Number formats that make the logs read exactly like Keras's. */

/** Python's `str(float)`: shortest round-trip digits, exponent form below 1e-4 (`1e-05`, `2.5e-05`). */
export function formatPythonFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(1);
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e16) return String(value);
  const [mantissa, exponent] = value.toExponential().split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
}

/** Keras's metric format: four decimals. */
export function formatMetric(value: number): string {
  return Number.isFinite(value) ? value.toFixed(4) : String(value).toLowerCase();
}
