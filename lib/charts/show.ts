/** Shows charts in the output of a tslab notebook cell. */
import { ChartOptions } from './options';
import { chartBundle, plotlyLibraryBundle } from './bundle';
import { KernelWriter, requireKernelWriter } from './kernel';
import { plotlyIsIncluded } from './plotly';
import { Series, validateSeries } from './series';
import { preloadSvgRenderer } from './svg';

/**
 * Displays plotly.js in an output of its own, so that the charts of this notebook draw
 * interactively where scripts run. Call it in a notebook's first code cell: every call
 * displays the library again, because a re-run cell takes its old outputs (and so the
 * library) with it, and the saved notebook needs one copy.
 */
export function enableInteractiveCharts(): void {
  requireKernelWriter('enableInteractiveCharts')(plotlyLibraryBundle());
  // The static pictures need jsdom and Plot: loading them here keeps a live chart's first redraw short.
  preloadSvgRenderer();
}

/** Puts plotly.js in its own output before the first chart of a process, unless a cell already did. */
export function ensurePlotlyShown(write: KernelWriter): void {
  if (!plotlyIsIncluded()) write(plotlyLibraryBundle());
}

/**
 * Draws a line chart, one line with point markers per series, under the running tslab cell:
 * one output, interactive (plotly.js) where scripts run, a static picture of the same chart
 * elsewhere (see `chartBundle`).
 */
export function showChart(series: readonly Series[], options: ChartOptions = {}): void {
  validateSeries(series);
  const write = requireKernelWriter('showChart');
  // Render before writing anything, so a bad option leaves no stray library output behind.
  const bundle = chartBundle(series, options);
  ensurePlotlyShown(write);
  write(bundle);
}
