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

/** plotly.js's default colors, in its order: given explicitly where bands would shift them. */
const PLOTLY_COLORWAY = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** '#1f77b4' at opacity 0.2, for a band's fill. */
function translucent(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  return `rgba(${r}, ${g}, ${b}, 0.2)`;
}

/**
 * The band of one series as two traces: its low edge, then its high edge filled down to the low one
 * ('tonexty'); no legend entry or hover of their own, and toggled with their line (legendgroup).
 */
function bandTraces(line: Series, color: string) {
  const edge = { type: 'scatter', mode: 'lines', x: seriesX(line), line: { width: 0, color }, showlegend: false, hoverinfo: 'skip', legendgroup: line.name };
  return [
    { ...edge, name: `${line.name} low`, y: line.band!.low },
    { ...edge, name: `${line.name} high`, y: line.band!.high, fill: 'tonexty', fillcolor: translucent(color) },
  ];
}

/**
 * The plotly.js figure: one line with point markers per series ('-o', as the course plots), a legend, the titles.
 * Series with a band get it first (so the lines are drawn over the bands), and then every line its color explicitly.
 */
export function plotlyFigure(series: readonly Series[], options: ResolvedChartOptions) {
  const ticks = wholeNumberTicks(series);
  const hovertemplate = hoverTemplate(options);
  const banded = series.some((line) => line.band);
  const colorOf = (index: number) => PLOTLY_COLORWAY[index % PLOTLY_COLORWAY.length];
  const lines = series.map((line, index) => ({
    type: 'scatter', mode: 'lines+markers', name: line.name, x: seriesX(line), y: line.y, hovertemplate,
    ...(banded ? { line: { color: colorOf(index) }, marker: { color: colorOf(index) }, legendgroup: line.name } : {}),
  }));
  const bands = series.flatMap((line, index) => (line.band ? bandTraces(line, colorOf(index)) : []));
  return {
    data: [...bands, ...lines] as Record<string, unknown>[],
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
