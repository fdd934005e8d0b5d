/**
 * The loss per step of each path, as line-chart series for `dl.showChart`. On a surface whose minimum
 * is 0 the loss falls over orders of magnitude, so it is drawn as log10 f (f below 1e-12 drawn at
 * -12, where float32 coordinates stop meaning anything); the saddle has no minimum and is drawn as f.
 */
import type { ChartOptions, Series } from '../charts';
import { OptimizerPath } from './path';
import { Surface } from './surface';

/** The smallest loss a log chart draws: 1e-12. */
export const LOG_LOSS_FLOOR = -12;

/** One series per path (named by optimizer) and the chart options that say what is drawn. */
export function lossChart(surface: Surface, paths: readonly OptimizerPath[]): { series: Series[]; options: ChartOptions } {
  const logarithmic = surface.minimum !== undefined && surface.value(...surface.minimum) === 0;
  const series = paths.map((path) => ({
    name: path.optimizer,
    // Four significant digits: what a chart can show, and a fraction of the page's bytes.
    y: path.losses.map((loss) => Number((logarithmic ? Math.max(LOG_LOSS_FLOOR, Math.log10(loss)) : loss).toPrecision(4))),
  }));
  return {
    series,
    options: { title: `${surface.title}: loss per step`, xLabel: 'step', yLabel: logarithmic ? 'log10 f' : 'f' },
  };
}
