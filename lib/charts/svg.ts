/**
 * Line charts as standalone SVG files, drawn on the server by Observable Plot in
 * a jsdom document: for reports, READMEs, pages that cannot run JavaScript, and
 * the static picture inside every notebook chart output.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { ChartOptions, ResolvedChartOptions, resolveChartOptions } from './options';
import { bandPoints, Series, seriesPoints, validateSeries, wholeNumberTicks } from './series';

type PlotModule = typeof import('@observablehq/plot');

const SVG_NS = 'http://www.w3.org/2000/svg';
const TITLE_HEIGHT = 26;
const LEGEND_ROW_HEIGHT = 20;
const LEGEND_SWATCH_WIDTH = 18;
// An estimate of the width of a character of 10px sans-serif; jsdom cannot measure text.
const LEGEND_CHAR_WIDTH = 6.2;
const LEGEND_GAP = 16;
const TOP_MARGIN = 10;
const MARGIN_LEFT = 50;

const MARKER_RADIUS = 2.5;

let plotModule: Promise<PlotModule> | undefined;
let plotLoaded: PlotModule | undefined;

/**
 * Loads @observablehq/plot, which is ESM-only, from this CommonJS build. TypeScript
 * would compile `import()` to `require()`, which cannot load ESM, so the import goes
 * through `new Function`. Such code has no module of its own, so Node would resolve a
 * bare '@observablehq/plot' from somewhere else (the entry script: a tslab kernel, or
 * `node -e` in /tmp, fails with ERR_MODULE_NOT_FOUND); `require.resolve` finds the
 * file from here and its URL imports from anywhere.
 */
function loadPlot(): Promise<PlotModule> {
  const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<PlotModule>;
  plotModule ??= importModule(pathToFileURL(require.resolve('@observablehq/plot')).href)
    .then((module) => (plotLoaded ??= module));
  return plotModule;
}

/**
 * The Plot module, loaded synchronously, for `showChart`, which must draw before its cell
 * ends (tslab would print a returned promise instead of awaiting it). Node 20.19 and later
 * `require` ESM without top-level await; on older Nodes only a module already loaded by
 * `loadPlot` is at hand.
 */
function plotNow(): PlotModule {
  if (plotLoaded) return plotLoaded;
  try {
    plotLoaded = require('@observablehq/plot') as PlotModule;
    return plotLoaded;
  } catch (error) {
    throw new Error(`Node ${process.version} cannot load the ESM-only @observablehq/plot synchronously ` +
      `(${(error as Error).message}); use Node 20.19 or later, or await svgChart() once before drawing.`);
  }
}

export function svgElement(document: Document, tag: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/**
 * A legend of line swatches in the colors Plot chose, laid out in rows. Plot's own
 * legends are HTML (swatches) or a crowded ramp, neither of which fits a standalone SVG.
 */
export function legend(
  document: Document, names: string[], colors: (name: string) => string, width: number,
): { element: SVGElement; rows: number } {
  const group = svgElement(document, 'g', { 'aria-label': 'legend', 'font-size': 10, 'font-family': 'system-ui, sans-serif' });
  let x = 0;
  let row = 0;
  for (const name of names) {
    const itemWidth = LEGEND_SWATCH_WIDTH + 6 + name.length * LEGEND_CHAR_WIDTH;
    if (x > 0 && x + itemWidth > width) {
      x = 0;
      row++;
    }
    const y = row * LEGEND_ROW_HEIGHT + LEGEND_ROW_HEIGHT / 2;
    group.append(svgElement(document, 'line',
      { x1: x, x2: x + LEGEND_SWATCH_WIDTH, y1: y, y2: y, stroke: colors(name), 'stroke-width': 2 }));
    // The course plots '-o': a swatch is a line with a point marker on it, like the curves.
    group.append(svgElement(document, 'circle',
      { cx: x + LEGEND_SWATCH_WIDTH / 2, cy: y, r: MARKER_RADIUS, fill: colors(name) }));
    const label = svgElement(document, 'text', { x: x + LEGEND_SWATCH_WIDTH + 6, y, dy: '0.32em' });
    label.textContent = name;
    group.append(label);
    x += itemWidth + LEGEND_GAP;
  }
  return { element: group, rows: row + 1 };
}

function render(Plot: PlotModule, document: Document, series: readonly Series[], options: ResolvedChartOptions): SVGElement {
  const names = series.map((line) => line.name);
  const root = svgElement(document, 'svg', {
    width: options.width, height: options.height, viewBox: `0 0 ${options.width} ${options.height}`,
    'font-family': 'system-ui, sans-serif',
  });
  root.append(svgElement(document, 'rect', { width: '100%', height: '100%', fill: 'white' }));
  let top = TOP_MARGIN;
  if (options.title) {
    const title = svgElement(document, 'text',
      { x: options.width / 2, y: top + 14, 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' });
    title.textContent = options.title;
    root.append(title);
    top += TITLE_HEIGHT;
  }
  // The same categorical scale the line mark gets from `color.domain`, so the legend matches.
  const color = Plot.scale({ color: { type: 'categorical', domain: names } });
  const key = legend(document, names, (name) => String(color.apply(name)), options.width - MARGIN_LEFT - 20);
  key.element.setAttribute('transform', `translate(${MARGIN_LEFT},${top})`);
  root.append(key.element);
  top += key.rows * LEGEND_ROW_HEIGHT;
  const ticks = wholeNumberTicks(series);
  const points = seriesPoints(series);
  const plot = Plot.plot({
    document,
    width: options.width,
    height: options.height - top,
    marginLeft: MARGIN_LEFT,
    marginBottom: 40,
    x: {
      label: options.xLabel, labelAnchor: 'center', labelArrow: 'none',
      ...(options.xScale === 'log' ? { type: 'log' as const } : ticks ? { ticks, tickFormat: 'd' } : {}),
    },
    y: { label: options.yLabel, labelAnchor: 'center', labelArrow: 'none', grid: true, domain: options.yDomain },
    color: { type: 'categorical', domain: names },
    marks: [
      // A series' band (the spread of its seeds), under the lines, in the line's color.
      Plot.areaY(bandPoints(series), { x: 'x', y1: 'low', y2: 'high', z: 'name', fill: 'name', fillOpacity: 0.2 }),
      Plot.line(points, { x: 'x', y: 'y', z: 'name', stroke: 'name' }),
      // NaN values (a diverged run) are left out here as they leave a gap in the line.
      Plot.dot(points.filter((point) => !Number.isNaN(point.y)), { x: 'x', y: 'y', fill: 'name', r: MARKER_RADIUS }),
    ],
  });
  plot.setAttribute('y', String(top));
  root.append(plot);
  return root;
}

/** Loads jsdom and Plot now (about half a second), so that the first chart drawn later does not stall. */
export function preloadSvgRenderer(): void {
  plotNow();
  require('jsdom');
}

/**
 * Renders the chart to a standalone SVG document (xmlns set, parses as XML) at once: one
 * line with point markers per series in Plot's categorical colors, a legend, axis labels
 * and the title. Loads jsdom and Plot on first use (about half a second).
 */
export function svgChartSync(series: readonly Series[], options: ChartOptions = {}): string {
  validateSeries(series);
  const resolved = resolveChartOptions(options);
  const Plot = plotNow();
  const { JSDOM } = require('jsdom') as typeof import('jsdom');
  const { window } = new JSDOM('');
  try {
    const svg = render(Plot, window.document, series, resolved);
    return new window.XMLSerializer().serializeToString(svg);
  } finally {
    window.close();
  }
}

/** `svgChartSync`, loading Plot asynchronously first, so it works on every Node 20. */
export async function svgChart(series: readonly Series[], options: ChartOptions = {}): Promise<string> {
  validateSeries(series);
  await loadPlot();
  return svgChartSync(series, options);
}

/** Writes `svgChart(series, options)` to `path`. */
export async function writeSvgChart(path: string, series: readonly Series[], options: ChartOptions = {}): Promise<void> {
  await writeFile(path, await svgChart(series, options), 'utf8');
}
