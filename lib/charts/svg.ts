/**
 * Line charts as standalone SVG files, drawn on the server by Observable Plot in
 * a jsdom document: for reports, READMEs and pages that cannot run JavaScript.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { ChartOptions, ResolvedChartOptions, resolveChartOptions } from './options';
import { Series, seriesPoints, validateSeries, wholeNumberTicks } from './series';

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

let plotModule: Promise<PlotModule> | undefined;

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
  plotModule ??= importModule(pathToFileURL(require.resolve('@observablehq/plot')).href);
  return plotModule;
}

function svgElement(document: Document, tag: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/**
 * A legend of line swatches in the colors Plot chose, laid out in rows. Plot's own
 * legends are HTML (swatches) or a crowded ramp, neither of which fits a standalone SVG.
 */
function legend(
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
  const plot = Plot.plot({
    document,
    width: options.width,
    height: options.height - top,
    marginLeft: MARGIN_LEFT,
    marginBottom: 40,
    x: { label: options.xLabel, labelAnchor: 'center', labelArrow: 'none', ...(ticks ? { ticks, tickFormat: 'd' } : {}) },
    y: { label: options.yLabel, labelAnchor: 'center', labelArrow: 'none', grid: true, domain: options.yDomain },
    color: { type: 'categorical', domain: names },
    marks: [Plot.line(seriesPoints(series), { x: 'x', y: 'y', z: 'name', stroke: 'name' })],
  });
  plot.setAttribute('y', String(top));
  root.append(plot);
  return root;
}

/**
 * Renders the chart to a standalone SVG document (xmlns set, parses as XML): one
 * line per series in Plot's categorical colors, a legend, axis labels and the title.
 */
export async function svgChart(series: readonly Series[], options: ChartOptions = {}): Promise<string> {
  validateSeries(series);
  const resolved = resolveChartOptions(options);
  // jsdom takes a while to load: only charts rendered on the server pay for it.
  const [Plot, { JSDOM }] = await Promise.all([loadPlot(), import('jsdom')]);
  const { window } = new JSDOM('');
  try {
    const svg = render(Plot, window.document, series, resolved);
    return new window.XMLSerializer().serializeToString(svg);
  } finally {
    window.close();
  }
}

/** Writes `svgChart(series, options)` to `path`. */
export async function writeSvgChart(path: string, series: readonly Series[], options: ChartOptions = {}): Promise<void> {
  await writeFile(path, await svgChart(series, options), 'utf8');
}
