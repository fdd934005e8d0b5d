/**
 * The plotly.js side of a chart: the figure (what `application/vnd.plotly.v1+json` holds and
 * what the chart's script draws) and the library itself, which travels in an output of its own
 * so that no chart output carries its 4.8 MB.
 */
import { readFileSync } from 'node:fs';
import { ResolvedChartOptions } from './options';
import { Series, seriesX, wholeNumberTicks } from './series';

let plotlyIncluded = false;
let plotlySource: string | undefined;

/** Whether this process has already put plotly.js into a page or notebook output. */
export function plotlyIsIncluded(): boolean {
  return plotlyIncluded;
}

/** Makes the next chart carry plotly.js again (in its own output), as after a kernel restart. */
export function resetPlotlyInclusion(): void {
  plotlyIncluded = false;
}

function plotlyLibrary(): string {
  plotlySource ??= readFileSync(require.resolve('plotly.js-dist-min'), 'utf8');
  return plotlySource;
}

/**
 * plotly.js as three scripts, so the last runs even if plotly.js throws. The classic Notebook
 * and nbconvert pages load require.js, whose global `define` makes a UMD bundle register as an
 * anonymous AMD module ("Mismatched anonymous define()") instead of setting `window.Plotly`;
 * plotly.js runs with `define` hidden, which is then put back. Marks the library as included.
 */
export function plotlyLibraryHtml(): string {
  plotlyIncluded = true;
  return '<script>window.__descentLabDefine = window.define; window.define = undefined;</script>\n' +
    `<script>${plotlyLibrary()}</script>\n` +
    '<script>window.define = window.__descentLabDefine; delete window.__descentLabDefine;</script>\n';
}

/** The plotly.js version that `plotlyLibraryHtml` carries, e.g. `'3.7.0'`. */
export function plotlyVersion(): string {
  return (require('plotly.js-dist-min/package.json') as { version: string }).version;
}

/** Hover text: the run, the epoch (x) and the value, as the course's readers ask for them. */
function hoverTemplate(options: ResolvedChartOptions): string {
  return `<b>%{fullData.name}</b><br>${options.xLabel} %{x}<br>${options.yLabel} %{y:.4f}<extra></extra>`;
}

/** The plotly.js figure: one line with point markers per series ('-o', as the course plots), a legend, the titles. */
export function plotlyFigure(series: readonly Series[], options: ResolvedChartOptions) {
  const ticks = wholeNumberTicks(series);
  const hovertemplate = hoverTemplate(options);
  return {
    data: series.map((line) => ({
      type: 'scatter', mode: 'lines+markers', name: line.name, x: seriesX(line), y: line.y, hovertemplate,
    })),
    layout: {
      title: { text: options.title },
      xaxis: { title: { text: options.xLabel }, ...(ticks ? { tickvals: ticks } : {}), ...(options.xScale === 'log' ? { type: 'log' } : {}) },
      yaxis: { title: { text: options.yLabel }, ...(options.yDomain ? { range: options.yDomain } : {}) },
      width: options.width,
      height: options.height,
      showlegend: true,
    },
    config: { displaylogo: false, responsive: false },
  };
}

/** A figure as `plotlyFigure` makes it. */
export type PlotlyFigure = ReturnType<typeof plotlyFigure>;
