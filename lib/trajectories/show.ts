/** Shows the trajectories charts under the running tslab cell, plotly.js first if no cell did. */
import { MimeBundle } from '../charts/bundle';
import { requireKernelWriter } from '../charts/kernel';
import { ensurePlotlyShown, showChart } from '../charts/show';
import { animatedTrajectoriesBundle } from './animation-chart';
import { lossChart } from './losses';
import { OptimizerPath } from './path';
import { learningRateSliderBundle, momentumSliderBundle, MomentumSliderOptions } from './slider-chart';
import { Surface } from './surface';

function show(what: string, bundle: () => MimeBundle): void {
  const write = requireKernelWriter(what);
  const made = bundle(); // first, so that a bad argument leaves no stray library output behind
  ensurePlotlyShown(write);
  write(made);
}

/** The paths on the surface's contours, with play/pause and a step slider (`animatedTrajectoriesBundle`). */
export function showTrajectories(surface: Surface, paths: readonly OptimizerPath[], title = `${surface.title}: the seven paths`): void {
  show('showTrajectories', () => animatedTrajectoriesBundle(surface, paths, title));
}

/** The loss per step of each path (`lossChart`), as a line chart. */
export function showLosses(surface: Surface, paths: readonly OptimizerPath[]): void {
  const { series, options } = lossChart(surface, paths);
  showChart(series, options);
}

/** The seven paths under a learning-rate slider (`learningRateSliderBundle`). */
export function showLearningRateSlider(surface: Surface, factors: readonly number[], title = `${surface.title}: move the learning rate`): void {
  show('showLearningRateSlider', () => learningRateSliderBundle(surface, factors, title));
}

/** Momentum and Nesterov under a learning-rate and a momentum slider (`momentumSliderBundle`). */
export function showMomentumSliders(surface: Surface, options: MomentumSliderOptions): void {
  show('showMomentumSliders', () => momentumSliderBundle(surface, options));
}
