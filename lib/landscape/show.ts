/** Shows the landscape's charts under the running tslab cell, plotly.js first if no cell did. */
import { requireKernelWriter } from '../charts/kernel';
import { ensurePlotlyShown, showChart } from '../charts/show';
import { landscapeBundle, lineChart } from './chart';
import type { Landscape } from './landscape';

/** The paths on the loss contours of the shared plane (`landscapeBundle`). */
export function showLandscape(landscape: Landscape, title = 'the optimizers\' paths on the loss surface of the shared plane'): void {
  const write = requireKernelWriter('showLandscape');
  const bundle = landscapeBundle(landscape, title); // first, so that a bad argument leaves no stray library output
  ensurePlotlyShown(write);
  write(bundle);
}

/** The loss along each run's straight line from its initial to its final weights (`lineChart`). */
export function showLinearInterpolation(landscape: Landscape): void {
  const { series, options } = lineChart(landscape);
  showChart(series, options);
}
