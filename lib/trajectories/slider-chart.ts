/**
 * Paths under sliders: every frame computed in the kernel and embedded in the figure, so that the
 * exported page redraws the paths at once when a slider moves, with no kernel behind it.
 *
 * - `learningRateSliderBundle`: the seven optimizers on a surface, one slider over a factor that
 *   scales every optimizer's learning rate (x1 is the surface's own settings): one plotly slider, one
 *   frame per factor, which works in any plotly renderer.
 * - `momentumSliderBundle`: Momentum and Nesterov, with a slider over the learning rate and one over
 *   beta, one frame per pair. Plotly cannot combine two sliders by itself, so each slider's steps
 *   name the frame of their value with the other slider at its default (what a renderer that shows
 *   only the JSON does), and the chart's script instead shows the frame of both sliders' values.
 */
import { figureBundle, MimeBundle } from '../charts/bundle';
import { OptimizerName, OptimizerOptions } from '../optimizers';
import { contourTrace, landmarkTraces, pathFrameTrace, pathTrace, TRAJECTORY_CONFIG, trajectoryLayout } from './figure';
import { shortNumber } from './labels';
import { optimizerPath, OptimizerPath } from './path';
import { trajectoriesSvg } from './picture';
import { Surface } from './surface';

const IMMEDIATE = { mode: 'immediate', frame: { duration: 0, redraw: true }, transition: { duration: 0 } };

function checkValues(what: string, values: readonly number[], defaultValue: number): void {
  if (values.length === 0 || !values.every((value) => Number.isFinite(value) && value >= 0)) {
    throw new Error(`${what} must be a non-empty list of numbers of at least 0; got ${JSON.stringify(values)}.`);
  }
  if (!values.includes(defaultValue)) {
    throw new Error(`${what} must include the default ${defaultValue}, which the chart shows first; got ${JSON.stringify(values)}.`);
  }
}

/** A slider whose steps animate to the frames `frameNames`, labelled by `labels`. */
function slider(name: string, prefix: string, labels: string[], frameNames: string[], active: number, y: number) {
  return {
    name, active, x: 0, len: 1, y, yanchor: 'top', pad: { t: 10 }, currentvalue: { prefix, xanchor: 'left' },
    transition: { duration: 0 },
    steps: labels.map((label, i) => ({ label, value: label, method: 'animate', args: [[frameNames[i]], IMMEDIATE] })),
  };
}

/** The paths of the seven optimizers with their learning rates scaled by `factor`. */
function scaledPaths(surface: Surface, factor: number): OptimizerPath[] {
  return (Object.entries(surface.optimizers) as [OptimizerName, OptimizerOptions][]).map(([name, options]) =>
    optimizerPath(surface, name, { ...options, learningRate: (options.learningRate ?? 0.01) * factor }));
}

/**
 * The learning-rate slider chart of `surface`: frames for each of `factors` (which must include 1,
 * shown first), each the seven paths with every learning rate multiplied by the factor.
 */
export function learningRateSliderBundle(surface: Surface, factors: readonly number[], title: string): MimeBundle {
  checkValues('learningRateSliderBundle: factors', factors, 1);
  if (factors.includes(0)) throw new Error('learningRateSliderBundle: a factor of 0 gives no learning rate; use factors greater than 0.');
  const runs = factors.map((factor) => scaledPaths(surface, factor));
  const active = factors.indexOf(1);
  const names = factors.map((factor) => `η × ${shortNumber(factor)}`);
  const frames = runs.map((paths, i) => ({ name: names[i], data: paths.map(pathFrameTrace), traces: paths.map((_, j) => 1 + j) }));
  const figure = {
    data: [contourTrace(surface), ...runs[active].map(pathTrace), ...landmarkTraces(surface)],
    layout: { ...trajectoryLayout(surface, title, 110), sliders: [slider('learningRate', 'learning rate ', names, names, active, -0.12)] },
    config: TRAJECTORY_CONFIG,
    frames,
  };
  return figureBundle(figure, trajectoriesSvg(surface, runs[active], title), {
    width: figure.layout.width, height: figure.layout.height,
    description: `"${title}": the seven optimizers' paths on the ${surface.title} surface, ` +
      `with a slider over their learning rates (× ${factors.map(shortNumber).join(', ')})`,
  });
}

/** What `momentumSliderBundle` draws. */
export interface MomentumSliderOptions {
  /** The optimizers, with momentum. Defaults to `['Momentum', 'Nesterov']`. */
  optimizers?: OptimizerName[];
  /** The learning rates of the first slider; must include `learningRate`. */
  learningRates: number[];
  /** The betas of the second slider; must include `momentum`. */
  momenta: number[];
  /** The learning rate shown first. */
  learningRate: number;
  /** The beta shown first. */
  momentum: number;
  /** The chart's heading. */
  title: string;
}

/** The frame name of a pair of slider positions. */
function pairName(i: number, j: number): string {
  return `lr ${i} beta ${j}`;
}

/**
 * The script that makes the two sliders work together: their steps do not animate themselves
 * (`execute: false`); on a slider change the frame of both sliders' current positions is shown.
 */
function pairScript(): { prepare: string; drawn: string } {
  return {
    prepare: 'figure.layout.sliders.forEach(function (s) { s.steps.forEach(function (step) { step.execute = false; }); });',
    drawn: `var active = figure.layout.sliders.map(function (s) { return s.active; });
        div.on('plotly_sliderchange', function (event) {
          var which = event.slider.name === 'learningRate' ? 0 : 1;
          active[which] = event.slider.steps.indexOf(event.step);
          if (active[which] < 0) active[which] = event.step._index;
          window.Plotly.animate(div, ['lr ' + active[0] + ' beta ' + active[1]], ${JSON.stringify(IMMEDIATE)});
        });`,
  };
}

/** The two-slider chart: every pair of `learningRates` x `momenta` computed, embedded as a frame. */
export function momentumSliderBundle(surface: Surface, options: MomentumSliderOptions): MimeBundle {
  const { learningRates, momenta, learningRate, momentum, title } = options;
  const optimizers = options.optimizers ?? ['Momentum', 'Nesterov'];
  checkValues('momentumSliderBundle: learningRates', learningRates, learningRate);
  checkValues('momentumSliderBundle: momenta', momenta, momentum);
  const frames: { name: string; data: ReturnType<typeof pathFrameTrace>[]; traces: number[] }[] = [];
  let shown: OptimizerPath[] = [];
  learningRates.forEach((eta, i) => momenta.forEach((beta, j) => {
    const paths = optimizers.map((name) => optimizerPath(surface, name, { learningRate: eta, momentum: beta }));
    if (eta === learningRate && beta === momentum) shown = paths;
    frames.push({ name: pairName(i, j), data: paths.map(pathFrameTrace), traces: paths.map((_, k) => 1 + k) });
  }));
  const [i0, j0] = [learningRates.indexOf(learningRate), momenta.indexOf(momentum)];
  const figure = {
    data: [contourTrace(surface), ...shown.map(pathTrace), ...landmarkTraces(surface)],
    layout: {
      ...trajectoryLayout(surface, title, 190),
      sliders: [
        slider('learningRate', 'learning rate η = ', learningRates.map(shortNumber), learningRates.map((_, i) => pairName(i, j0)), i0, -0.1),
        slider('momentum', 'momentum β = ', momenta.map(shortNumber), momenta.map((_, j) => pairName(i0, j)), j0, -0.27),
      ],
    },
    config: TRAJECTORY_CONFIG,
    frames,
  };
  return figureBundle(figure, trajectoriesSvg(surface, shown, title), {
    width: figure.layout.width, height: figure.layout.height, hooks: pairScript(),
    description: `"${title}": ${optimizers.join(' and ')} on the ${surface.title} surface, with sliders over the ` +
      `learning rate (${learningRates.map(shortNumber).join(', ')}) and the momentum (${momenta.map(shortNumber).join(', ')})`,
  });
}
