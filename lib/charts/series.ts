/** One line of a chart, and the checks every chart runs on its input. */

/** A named line: `y[i]` is drawn at `x[i]`. */
export interface Series {
  /** Shown in the legend and on hover, e.g. the optimizer's label `'Adam'`. Unique within a chart. */
  name: string;
  /** The values, one per point, e.g. the accuracy after each epoch. `NaN` leaves a gap. */
  y: number[];
  /** Where each value goes on the x axis, as long as `y`. Defaults to `0, 1, ..., y.length - 1` (epochs). */
  x?: number[];
  /**
   * A shaded band around the line, `low[i]` to `high[i]` at `x[i]`, each as long as `y`: the spread
   * of the runs whose mean `y` is (`curves` of a run with seeds gives their min and max).
   */
  band?: { low: number[]; high: number[] };
}

/** One point of one series, the row shape Observable Plot draws from. */
export interface SeriesPoint {
  name: string;
  x: number;
  y: number;
}

function checkValues(name: string, axis: 'x' | 'y', values: unknown): void {
  if (!Array.isArray(values)) {
    throw new Error(`Series "${name}" has ${axis} = ${String(values)}; ${axis} must be an array of numbers.`);
  }
  values.forEach((value, i) => {
    if (typeof value !== 'number' || value === Infinity || value === -Infinity) {
      throw new Error(`Series "${name}" has ${axis}[${i}] = ${String(value)}; values must be finite numbers ` +
        '(NaN is allowed and leaves a gap).');
    }
  });
}

/** Throws a clear error unless `series` is a non-empty list of well-formed, uniquely named series. */
export function validateSeries(series: readonly Series[]): void {
  if (!Array.isArray(series) || series.length === 0) {
    throw new Error('A chart needs at least one series; got none. Pass e.g. [{ name: \'SGD\', y: accuracies }].');
  }
  const names = new Set<string>();
  for (const { name, x, y, band } of series) {
    if (typeof name !== 'string' || name === '') {
      throw new Error(`Every series needs a non-empty name for the legend; got ${JSON.stringify(name)}.`);
    }
    if (names.has(name)) throw new Error(`Two series are named "${name}": give each line its own name.`);
    names.add(name);
    checkValues(name, 'y', y);
    if (y.length === 0) throw new Error(`Series "${name}" has no y values: give it at least one point.`);
    if (x !== undefined) {
      checkValues(name, 'x', x);
      if (x.length !== y.length) {
        throw new Error(`Series "${name}" has ${x.length} x values but ${y.length} y values: give one x per y, ` +
          'or omit x to use 0, 1, 2, ...');
      }
    }
    if (band !== undefined) checkBand(name, band, y.length);
  }
}

function checkBand(name: string, band: { low: number[]; high: number[] }, length: number): void {
  for (const edge of ['low', 'high'] as const) {
    checkValues(`${name}'s band`, 'y', band?.[edge]);
    if (band[edge].length !== length) {
      throw new Error(`Series "${name}" has a band with ${band[edge].length} ${edge} values but ${length} y values: give one of each per y.`);
    }
  }
}

/** The band of every series that has one, as rows `{ name, x, low, high }` for Observable Plot's area mark. */
export function bandPoints(series: readonly Series[]): { name: string; x: number; low: number; high: number }[] {
  return series.flatMap((line) => {
    if (!line.band) return [];
    const x = seriesX(line);
    const { low, high } = line.band;
    return line.y.map((_, i) => ({ name: line.name, x: x[i], low: low[i], high: high[i] }));
  });
}

/** The x values of a series: its own, or 0..n-1. */
export function seriesX(series: Series): number[] {
  return series.x ?? series.y.map((_, i) => i);
}

/** Every point of every series as `{ name, x, y }` rows, series by series. */
export function seriesPoints(series: readonly Series[]): SeriesPoint[] {
  return series.flatMap((line) => {
    const x = seriesX(line);
    return line.y.map((y, i) => ({ name: line.name, x: x[i], y }));
  });
}

const MAX_WHOLE_NUMBER_TICKS = 11;

/**
 * Whole-number x ticks for a short run of epochs (every integer from the first x to the
 * last), so a 3-epoch chart is not labelled 0, 0.5, 1, ...; undefined when the x values
 * are not all integers or span too many for one tick each, where the renderer's own ticks do.
 */
export function wholeNumberTicks(series: readonly Series[]): number[] | undefined {
  const xs = series.flatMap(seriesX);
  if (!xs.every(Number.isInteger)) return undefined;
  const first = Math.min(...xs);
  const last = Math.max(...xs);
  if (last - first + 1 > MAX_WHOLE_NUMBER_TICKS) return undefined;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
