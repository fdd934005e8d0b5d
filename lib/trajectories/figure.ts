/**
 * The plotly side of a trajectories chart: the surface as filled contours, each path as a line with
 * point markers, the start and the minimum as markers, the axes fixed to the surface's range (paths
 * that leave it are clipped). Coordinates are rounded (3 decimals, a hundredth of a pixel here; contour levels
 * to 3 significant digits), which keeps the embedded frames small and changes nothing a reader can see.
 */
import { OptimizerPath } from './path';
import { optimizerColor } from './palette';
import { pathLabel } from './labels';
import { contourLevel, Surface, surfaceGrid } from './surface';

/** A chart's size in pixels. */
export const TRAJECTORY_CHART_SIZE = { width: 760, height: 560 } as const;

/** Room on the right for the legend, in pixels. */
export const LEGEND_WIDTH = 220;

/** How many contour levels both renderers aim for. */
export const CONTOUR_LEVELS = 16;

/** Points of the contour grid along each axis: fine enough for smooth levels, small to embed. */
export const CONTOUR_GRID_SIZE = 41;

/** d3's Blues, light at low values (so the paths stand out in the valleys) and dark at high ones, as Plot draws it. */
export const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b']
  .map((color, i, all) => [i / (all.length - 1), color]);

/** `value` rounded to `decimals` places, as a number. */
export function rounded(value: number, decimals = 3): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

function significant(value: number, digits = 3): number {
  return Number(value.toPrecision(digits));
}

/** The surface as plotly filled contours (no hover, no color bar: the paths are what matters). */
export function contourTrace(surface: Surface) {
  const grid = surfaceGrid(surface, CONTOUR_GRID_SIZE);
  return {
    type: 'contour', name: surface.title, x: grid.x1.map((v) => rounded(v)), y: grid.x2.map((v) => rounded(v)),
    z: grid.z.map((row) => row.map((value) => significant(contourLevel(surface, value)))),
    colorscale: BLUES, ncontours: CONTOUR_LEVELS, showscale: false, hoverinfo: 'skip', opacity: 0.55,
    contours: { coloring: 'fill', showlines: true }, line: { width: 0.5, color: '#ffffff' },
  };
}

/** The x and y arrays of a path, rounded. */
export function pathXY(path: OptimizerPath): { x: number[]; y: number[] } {
  return { x: path.points.map(([x1]) => rounded(x1)), y: path.points.map(([, x2]) => rounded(x2)) };
}

/** What a frame changes in a path's trace: its points and its legend entry; the rest stays as first drawn. */
export function pathFrameTrace(path: OptimizerPath) {
  return { ...pathXY(path), name: pathLabel(path) };
}

/** One path as a line with small markers, in its optimizer's color; hover names the step. */
export function pathTrace(path: OptimizerPath) {
  return {
    type: 'scatter', mode: 'lines+markers', name: pathLabel(path), ...pathXY(path),
    line: { color: optimizerColor(path.optimizer), width: 2 }, marker: { size: 4, color: optimizerColor(path.optimizer) },
    hovertemplate: `<b>${path.optimizer}</b><br>step %{pointNumber}<br>x1 %{x:.4f}<br>x2 %{y:.4f}<extra></extra>`,
  };
}

/** The start (a black circle) and the minimum, if the surface has one (a star). */
export function landmarkTraces(surface: Surface) {
  const start = {
    type: 'scatter', mode: 'markers', name: 'start', x: [surface.start[0]], y: [surface.start[1]],
    marker: { size: 9, color: 'black', symbol: 'circle-open', line: { width: 2 } }, hoverinfo: 'name', showlegend: false,
  };
  if (!surface.minimum) return [start];
  const minimum = {
    type: 'scatter', mode: 'markers', name: 'minimum', x: [surface.minimum[0]], y: [surface.minimum[1]],
    marker: { size: 13, color: 'black', symbol: 'star' }, hoverinfo: 'name', showlegend: false,
  };
  return [start, minimum];
}

/**
 * Axes fixed to the surface's range (so sliders and animations never rescale), the title, the legend
 * on the right; `bottomMargin` leaves room for sliders and buttons under the plot.
 */
export function trajectoryLayout(surface: Surface, title: string, bottomMargin = 60) {
  return {
    title: { text: title },
    xaxis: { title: { text: 'x1' }, range: surface.range.x1, autorange: false, zeroline: false },
    yaxis: { title: { text: 'x2' }, range: surface.range.x2, autorange: false, zeroline: false },
    width: TRAJECTORY_CHART_SIZE.width,
    height: TRAJECTORY_CHART_SIZE.height,
    margin: { t: 50, b: bottomMargin, l: 60, r: LEGEND_WIDTH },
    legend: { x: 1.02, y: 1, xanchor: 'left', yanchor: 'top', font: { size: 11 } },
    showlegend: true,
  };
}

/** The config every trajectories chart uses. */
export const TRAJECTORY_CONFIG = { displaylogo: false, responsive: false };
