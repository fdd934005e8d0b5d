/**
 * One chart as one notebook output: a MIME bundle that every viewer can show. Viewers with a
 * plotly renderer (JupyterLab's extension, VS Code) draw `application/vnd.plotly.v1+json`; the
 * rest take `text/html`, which is a static SVG picture (an `<img>` with a data: URL, the one kind
 * of picture that untrusted-output sanitizers keep) plus a script that replaces it with the
 * interactive chart where scripts run and plotly.js is loaded; consoles print `text/plain`.
 */
import { randomBytes } from 'node:crypto';
import { ChartOptions, ResolvedChartOptions, resolveChartOptions } from './options';
import { plotlyFigure, plotlyIsIncluded, plotlyLibraryHtml, plotlyVersion } from './plotly';
import { Series, seriesX, validateSeries } from './series';
import { svgChartSync } from './svg';

/** A Jupyter display bundle, as `display_data` and `update_display_data` carry it. */
export interface MimeBundle {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** The MIME type of a plotly figure, which JupyterLab's plotly extension and VS Code render. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** JSON that is safe inside a <script> element: no `</script>` can close it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** How long a chart's script waits for plotly.js before leaving the static picture in place. */
const WAIT_FOR_PLOTLY_MS = 60_000;

/**
 * Draws with window.Plotly once it and the div are there, polling because JupyterLab may run
 * a later output's script before an earlier one has loaded the library; the picture is hidden
 * only after plotly has drawn, and on any failure the picture stays with no error text. The figure
 * goes to newPlot whole, so that its animation frames (if any) come along. `hooks.prepare` runs
 * before drawing, with `figure` in scope; `hooks.drawn` after, with `figure` and `div`.
 */
function drawScript(id: string, figure: object, hooks: FigureScriptHooks = {}): string {
  return `<script>
(function () {
  var id = ${scriptJson(id)};
  var figure = ${scriptJson(figure)};
  function fallBack(div) { div.style.display = 'none'; div.innerHTML = ''; }
  function tryDraw() {
    var div = document.getElementById(id);
    if (!div) return true;
    if (!window.Plotly) return false;
    var picture = div.parentNode.querySelector('.descent-lab-chart-static');
    try {
      ${hooks.prepare ?? ''}
      div.style.display = '';
      Promise.resolve(window.Plotly.newPlot(div, figure)).then(function () {
        if (picture) picture.style.display = 'none';
        ${hooks.drawn ?? ''}
      }, function () { fallBack(div); });
    } catch (error) { fallBack(div); }
    return true;
  }
  if (tryDraw()) return;
  var waited = 0;
  var timer = setInterval(function () {
    waited += 100;
    if (tryDraw() || waited >= ${WAIT_FOR_PLOTLY_MS}) clearInterval(timer);
  }, 100);
})();
</script>`;
}

function describe(series: readonly Series[], options: ResolvedChartOptions): string {
  const what = options.title ? `"${options.title}"` : 'chart';
  return `${what}: ${options.yLabel} by ${options.xLabel} of ${series.map((line) => line.name).join(', ')}`;
}

/** JavaScript run around a figure's drawing by its script (see `drawScript`); plain statements. */
export interface FigureScriptHooks {
  /** Runs before `Plotly.newPlot`, with `figure` in scope (e.g. to change the figure for scripts only). */
  prepare?: string;
  /** Runs once plotly has drawn, with `figure` and `div` in scope (e.g. to listen to plotly events). */
  drawn?: string;
}

/** What `figureBundle` needs besides the figure and the picture. */
export interface FigureBundleOptions {
  /** The picture's size in pixels, as the SVG was drawn. */
  width: number;
  height: number;
  /** One line saying what the chart shows: the picture's alt text and, after "Chart ", the text/plain. */
  description: string;
  /** Script hooks for charts that need more than newPlot (see `FigureScriptHooks`). */
  hooks?: FigureScriptHooks;
}

/**
 * The MIME bundle of any plotly figure with its static picture: plotly JSON, HTML (a
 * div.descent-lab-chart holding the picture, the plotly div and its script) and plain text.
 * `chartBundle` makes line charts with it; the trajectories' contour charts use it directly.
 */
export function figureBundle(figure: object, svg: string, options: FigureBundleOptions): MimeBundle {
  const id = `descent-lab-chart-${randomBytes(6).toString('hex')}`;
  const picture = `<img class="descent-lab-chart-static" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" ` +
    `width="${options.width}" height="${options.height}" alt="${escapeAttribute(options.description)}">`;
  // No size and display:none until drawn, so where scripts are stripped no empty box shows.
  const plotly = `<div class="descent-lab-chart-plotly" id="${id}" style="display:none"></div>`;
  return {
    data: {
      [PLOTLY_MIME]: figure,
      'text/html': `<div class="descent-lab-chart">\n${picture}\n${plotly}\n${drawScript(id, figure, options.hooks)}\n</div>`,
      'text/plain': `Chart ${options.description}`,
    },
    metadata: {},
  };
}

/** The chart's MIME bundle: plotly JSON, HTML with the static picture and the script, and plain text. */
export function chartBundle(series: readonly Series[], options: ChartOptions = {}): MimeBundle {
  validateSeries(series);
  const resolved = resolveChartOptions(options);
  if (resolved.xScale === 'log') {
    const line = series.find((one) => seriesX(one).some((x) => !(x > 0)));
    if (line) throw new Error(`Series "${line.name}" has an x value <= 0, which a log x axis cannot place: give x values > 0, or leave xScale out.`);
  }
  return figureBundle(plotlyFigure(series, resolved), svgChartSync(series, resolved),
    { width: resolved.width, height: resolved.height, description: describe(series, resolved) });
}

/** The output that carries plotly.js, once per notebook: every chart after it draws with it. */
export function plotlyLibraryBundle(): MimeBundle {
  const version = plotlyVersion();
  return {
    data: {
      'text/html': `${plotlyLibraryHtml()}<div class="descent-lab-plotly-library" style="font-size:smaller;color:#777">` +
        `Interactive charts on (plotly.js ${version}).</div>`,
      'text/plain': `plotly.js ${version} loaded: charts below are interactive where scripts run.`,
    },
    metadata: {},
  };
}

/**
 * An HTML fragment for a page of one's own: the chart (static picture and script), preceded by
 * plotly.js the first time in this process (see `resetPlotlyInclusion`).
 */
export function plotlyHtml(series: readonly Series[], options: ChartOptions = {}): string {
  const chart = String(chartBundle(series, options).data['text/html']);
  return (plotlyIsIncluded() ? '' : plotlyLibraryHtml()) + chart;
}
