/**
 * Every optimizer's path on one surface, with the steps animated: the whole paths are drawn, and a
 * ball per optimizer walks along its own path when the reader presses play (plotly frames, one per
 * step, each moving only the balls: a few numbers a frame, so the page stays small), or drags the
 * step slider. Without scripts the picture shows the whole paths.
 */
import { figureBundle, MimeBundle } from '../charts/bundle';
import { contourTrace, landmarkTraces, pathTrace, rounded, TRAJECTORY_CONFIG, trajectoryLayout } from './figure';
import { optimizerColor } from './palette';
import { OptimizerPath } from './path';
import { trajectoriesSvg } from './picture';
import { Surface } from './surface';

/** How long a frame of the animation shows, in ms: 150 steps play in about 6 s. */
export const ANIMATION_FRAME_MS = 40;

/** The most stops the step slider has; play still shows every step. */
const MAX_SLIDER_STOPS = 30;

/** The point of `path` at `step`, or its last point once the path has ended (or diverged). */
function pointAt(path: OptimizerPath, step: number): [number, number] {
  const [x1, x2] = path.points[Math.min(step, path.points.length - 1)];
  return [rounded(x1), rounded(x2)];
}

function balls(paths: readonly OptimizerPath[], step: number) {
  return paths.map((path) => {
    const [x, y] = pointAt(path, step);
    return { x: [x], y: [y] };
  });
}

/** The plotly figure: contours, paths, landmarks, balls; frames `step 0..N`; play/pause and a step slider. */
export function animatedTrajectoriesFigure(surface: Surface, paths: readonly OptimizerPath[], title: string) {
  const steps = Math.max(...paths.map((path) => path.points.length)) - 1;
  const fixed = [contourTrace(surface), ...paths.map(pathTrace), ...landmarkTraces(surface)];
  const ballTraces = paths.map((path, i) => ({
    type: 'scatter', mode: 'markers', name: `${path.optimizer} now`, showlegend: false, hoverinfo: 'skip',
    ...balls(paths, 0)[i], marker: { size: 12, color: optimizerColor(path.optimizer), line: { width: 1.5, color: 'black' } },
  }));
  const ballIndices = ballTraces.map((_, i) => fixed.length + i);
  const frames = Array.from({ length: steps + 1 }, (_, step) => ({ name: `step ${step}`, data: balls(paths, step), traces: ballIndices }));
  // The slider stops at every stride-th step (at most about 30 stops, so its labels do not overlap).
  const stride = Math.max(1, Math.ceil(steps / MAX_SLIDER_STOPS));
  const play = { frame: { duration: ANIMATION_FRAME_MS, redraw: false }, transition: { duration: 0 }, fromcurrent: true, mode: 'immediate' };
  const layout = {
    ...trajectoryLayout(surface, title, 130),
    updatemenus: [{
      type: 'buttons', direction: 'left', showactive: false, x: 0, y: -0.14, xanchor: 'left', yanchor: 'top', pad: { t: 10 },
      buttons: [
        { label: 'Play', method: 'animate', args: [null, play] },
        { label: 'Pause', method: 'animate', args: [[null], { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: 'immediate' }] },
      ],
    }],
    sliders: [{
      name: 'step', active: 0, x: 0.25, len: 0.75, y: -0.12, yanchor: 'top', pad: { t: 10 },
      currentvalue: { prefix: 'step ', xanchor: 'left' }, transition: { duration: 0 },
      font: { size: 9 },
      steps: frames.filter((_, step) => step % stride === 0 || step === steps).map((frame) => ({
        label: frame.name.slice('step '.length), value: frame.name, method: 'animate',
        args: [[frame.name], { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: 'immediate' }],
      })),
    }],
  };
  return { data: [...fixed, ...ballTraces], layout, config: TRAJECTORY_CONFIG, frames };
}

/** The chart's MIME bundle: the animated figure and its static picture (the whole paths). */
export function animatedTrajectoriesBundle(surface: Surface, paths: readonly OptimizerPath[], title: string): MimeBundle {
  const figure = animatedTrajectoriesFigure(surface, paths, title);
  return figureBundle(figure, trajectoriesSvg(surface, paths, title), {
    width: figure.layout.width, height: figure.layout.height,
    description: `"${title}": the paths of ${paths.map((path) => path.optimizer).join(', ')} on the ${surface.title} surface, ` +
      `${figure.frames.length - 1} steps`,
  });
}
