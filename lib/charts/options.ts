/** What a chart says and how big it is, shared by the Plotly and SVG renderers. */

/** Labels and size of a line chart. Every field is optional. */
export interface ChartOptions {
  /** Heading above the chart, e.g. `'model accuracy on train'`. Defaults to `''` (no heading). */
  title?: string;
  /** Label of the horizontal axis. Defaults to `'epoch'`. */
  xLabel?: string;
  /** Label of the vertical axis. Defaults to `'accuracy'`. */
  yLabel?: string;
  /** Width of the whole chart in pixels. Defaults to `640`. */
  width?: number;
  /** Height of the whole chart in pixels, heading and legend included. Defaults to `400`. */
  height?: number;
  /** The `[min, max]` of the vertical axis. Defaults to `undefined`: fitted to the data. */
  yDomain?: [number, number];
  /** `'log'` spaces the horizontal axis by powers of ten (every x must then be > 0), as a learning-rate sweep needs. Defaults to `'linear'`. */
  xScale?: 'linear' | 'log';
}

/** Chart options with every default filled in. */
export type ResolvedChartOptions = Required<Omit<ChartOptions, 'yDomain'>> & Pick<ChartOptions, 'yDomain'>;

/** The defaults, as documented on each field of `ChartOptions`. */
export const CHART_DEFAULTS: Readonly<ResolvedChartOptions> = Object.freeze({
  title: '',
  xLabel: 'epoch',
  yLabel: 'accuracy',
  width: 640,
  height: 400,
  yDomain: undefined,
  xScale: 'linear',
});

function checkSize(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`Chart ${name} must be a positive number of pixels; got ${value}.`);
  }
}

/** Fills in the defaults and checks sizes and the y domain. */
export function resolveChartOptions(options: ChartOptions = {}): ResolvedChartOptions {
  const resolved: ResolvedChartOptions = { ...CHART_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  }
  checkSize('width', resolved.width);
  checkSize('height', resolved.height);
  const domain = resolved.yDomain;
  if (domain !== undefined && !(domain.length === 2 && domain[0] < domain[1])) {
    throw new Error(`Chart yDomain must be [min, max] with min < max; got ${JSON.stringify(domain)}.`);
  }
  if (resolved.xScale !== 'linear' && resolved.xScale !== 'log') {
    throw new Error(`Chart xScale must be 'linear' or 'log'; got ${JSON.stringify(resolved.xScale)}.`);
  }
  return resolved;
}
