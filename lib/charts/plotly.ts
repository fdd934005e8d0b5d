/**
 * Interactive line charts as HTML fragments drawn by plotly.js, for notebook outputs.
 *
 * A fragment works in JupyterLab, the classic Notebook and pages exported by
 * `jupyter nbconvert --to html`. The first fragment of a process carries the
 * 4.8 MB plotly.js library inline, so a saved notebook draws offline; later
 * fragments only call `window.Plotly`, waiting briefly if it is not there yet.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ChartOptions, ResolvedChartOptions, resolveChartOptions } from './options';
import { Series, seriesX, validateSeries, wholeNumberTicks } from './series';

let plotlyIncluded = false;
let plotlySource: string | undefined;

/** Makes the next `plotlyHtml` fragment carry plotly.js again, as after a kernel restart. */
export function resetPlotlyInclusion(): void {
  plotlyIncluded = false;
}

function plotlyLibrary(): string {
  plotlySource ??= readFileSync(require.resolve('plotly.js-dist-min'), 'utf8');
  return plotlySource;
}

/**
 * Three scripts, so the last runs even if plotly.js throws. The classic Notebook and
 * nbconvert pages load require.js, whose global `define` makes a UMD bundle register as
 * an anonymous AMD module ("Mismatched anonymous define()") instead of setting
 * `window.Plotly`; plotly.js runs with `define` hidden, which is then put back.
 */
function libraryScripts(): string {
  return '<script>window.__descentLabDefine = window.define; window.define = undefined;</script>\n' +
    `<script>${plotlyLibrary()}</script>\n` +
    '<script>window.define = window.__descentLabDefine; delete window.__descentLabDefine;</script>\n';
}

/** The plotly.js figure: one line trace per series, a legend and the axis titles. */
export function plotlyFigure(series: readonly Series[], options: ResolvedChartOptions) {
  const ticks = wholeNumberTicks(series);
  return {
    data: series.map((line) => ({ type: 'scatter', mode: 'lines', name: line.name, x: seriesX(line), y: line.y })),
    layout: {
      title: { text: options.title },
      xaxis: { title: { text: options.xLabel }, ...(ticks ? { tickvals: ticks } : {}) },
      yaxis: { title: { text: options.yLabel }, ...(options.yDomain ? { range: options.yDomain } : {}) },
      width: options.width,
      height: options.height,
      showlegend: true,
    },
    config: { displaylogo: false, responsive: false },
  };
}

/** JSON that is safe inside a <script> element: no `</script>` can close it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const WAIT_FOR_PLOTLY_MS = 10_000;

function drawScript(id: string, figure: ReturnType<typeof plotlyFigure>): string {
  // Draw at once when plotly.js and the div are there; otherwise poll, since
  // JupyterLab may run a later output's script before an earlier one has loaded.
  return `<script>
(function () {
  var id = ${scriptJson(id)};
  var figure = ${scriptJson(figure)};
  function ready() { return window.Plotly && document.getElementById(id); }
  function draw() { window.Plotly.newPlot(id, figure.data, figure.layout, figure.config); }
  if (ready()) { draw(); return; }
  var waited = 0;
  var timer = setInterval(function () {
    waited += 50;
    if (ready()) { clearInterval(timer); draw(); }
    else if (waited >= ${WAIT_FOR_PLOTLY_MS}) {
      clearInterval(timer);
      var div = document.getElementById(id);
      if (div) div.textContent = 'plotly.js did not load: it comes with the first chart of the kernel session; ' +
        'run that cell again, or call resetPlotlyInclusion() before drawing this chart.';
    }
  }, 50);
})();
</script>`;
}

/**
 * An HTML fragment (a div and scripts) that draws an interactive line chart with
 * plotly.js, one named trace per series. The first fragment of a process carries
 * plotly.js itself; later ones reuse it (see `resetPlotlyInclusion`).
 */
export function plotlyHtml(series: readonly Series[], options: ChartOptions = {}): string {
  validateSeries(series);
  const resolved = resolveChartOptions(options);
  const id = `descent-lab-chart-${randomBytes(6).toString('hex')}`;
  const library = plotlyIncluded ? '' : libraryScripts();
  plotlyIncluded = true;
  return `<div id="${id}" style="width:${resolved.width}px;height:${resolved.height}px"></div>\n` +
    library + drawScript(id, plotlyFigure(series, resolved));
}
