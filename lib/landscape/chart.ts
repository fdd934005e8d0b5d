/**
 * The landscape's charts. The plane: the loss as filled contours of log10(loss) (the loss falls over
 * orders of magnitude from the initial weights to the trained ones), every run's path on top with a
 * dot at each snapshot (hover names the epoch), the common start as a ring, in the trajectories
 * notebook's colors and layout; as a plotly figure and, for viewers without scripts, an Observable
 * Plot picture of the same. The lines: one loss curve per run against alpha, drawn by `showChart`.
 */
import { figureBundle, MimeBundle } from '../charts/bundle';
import type { ChartOptions, Series } from '../charts';
import { legend, svgElement } from '../charts/svg';
import { OPTIMIZER_NAMES, OptimizerName } from '../optimizers';
import { BLUES, CONTOUR_LEVELS, LEGEND_WIDTH, rounded, TRAJECTORY_CHART_SIZE } from '../trajectories/figure';
import { optimizerColor } from '../trajectories/palette';
import type { Landscape, LandscapePath } from './landscape';

type PlotModule = typeof import('@observablehq/plot');

const TITLE_HEIGHT = 34;
const EXTRA_COLORS = ['#ff9da7', '#9c755f', '#bab0ab'];

/** A run's color: its optimizer's when the label is an optimizer's name, else one of a few others. */
export function runColor(label: string, index: number): string {
  return (OPTIMIZER_NAMES as readonly string[]).includes(label) ? optimizerColor(label as OptimizerName) : EXTRA_COLORS[index % EXTRA_COLORS.length];
}

/** log10 of the loss, to 3 significant digits: what the contours draw. */
function level(loss: number): number {
  return Number(Math.log10(Math.max(loss, 1e-12)).toPrecision(3));
}

/** Coordinates on the plane, to 3 significant digits (the plane's units are parameter-space distances). */
function coordinate(value: number): number {
  return Number(value.toPrecision(3));
}

function axisTitle(landscape: Landscape, axis: 0 | 1): string {
  return `${axis === 0 ? 'PC1' : 'PC2'} (${(100 * landscape.plane.explained[axis]).toFixed(1)}% of the displacements)`;
}

/** The plotly figure of the plane: contours, paths with epoch dots, the start. */
export function landscapeFigure(landscape: Landscape, title: string) {
  const { grid, paths } = landscape;
  const contour = {
    type: 'contour', name: 'loss', x: grid.x.map(coordinate), y: grid.y.map(coordinate), z: grid.loss.map((row) => row.map(level)),
    colorscale: BLUES, ncontours: CONTOUR_LEVELS, opacity: 0.6,
    contours: { coloring: 'fill', showlines: true }, line: { width: 0.5, color: '#ffffff' },
    colorbar: { title: { text: 'log10 loss', side: 'right' }, x: 1.0, len: 0.6, y: 0.3, thickness: 12 },
    hovertemplate: 'PC1 %{x:.3g}<br>PC2 %{y:.3g}<br>log10 loss %{z:.2f}<extra>on the plane</extra>',
  };
  const pathTraces = paths.map((path, index) => ({
    type: 'scatter', mode: 'lines+markers+text', name: path.label, x: path.x.map(coordinate), y: path.y.map(coordinate),
    // The last epoch written beside the path's end, as in the static picture.
    text: path.epochs.map((epoch, i) => (i === path.epochs.length - 1 ? String(epoch) : '')), textposition: 'middle right', textfont: { size: 9 },
    customdata: path.epochs.map((epoch, i) => [epoch, rounded(100 * path.offPlane[i], 0)]),
    line: { color: runColor(path.label, index), width: 2 }, marker: { size: 6, color: runColor(path.label, index) },
    hovertemplate: `<b>${path.label}</b><br>epoch %{customdata[0]}<br>PC1 %{x:.3g}, PC2 %{y:.3g}<br>%{customdata[1]}% of its distance off the plane<extra></extra>`,
  }));
  const start = {
    type: 'scatter', mode: 'markers', name: 'initial weights', x: [0], y: [0], showlegend: false, hoverinfo: 'name',
    marker: { size: 11, color: 'black', symbol: 'circle-open', line: { width: 2 } },
  };
  const layout = {
    title: { text: title },
    xaxis: { title: { text: axisTitle(landscape, 0) }, range: [coordinate(grid.x[0]), coordinate(grid.x[grid.x.length - 1])], zeroline: false },
    yaxis: { title: { text: axisTitle(landscape, 1) }, range: [coordinate(grid.y[0]), coordinate(grid.y[grid.y.length - 1])], zeroline: false },
    width: TRAJECTORY_CHART_SIZE.width,
    height: TRAJECTORY_CHART_SIZE.height,
    margin: { t: 50, b: 60, l: 60, r: LEGEND_WIDTH },
    legend: { x: 1.02, y: 1, xanchor: 'left', yanchor: 'top', font: { size: 11 } },
    showlegend: true,
  };
  return { data: [contour, ...pathTraces, start], layout, config: { displaylogo: false, responsive: false } };
}

/** The static picture of the plane (Observable Plot in jsdom), as an SVG document. */
export function landscapeSvg(landscape: Landscape, title: string): string {
  const Plot = require('@observablehq/plot') as PlotModule;
  const { JSDOM } = require('jsdom') as typeof import('jsdom');
  const { window } = new JSDOM('');
  const document = window.document;
  const { width, height } = TRAJECTORY_CHART_SIZE;
  const { grid, paths } = landscape;
  try {
    const root = svgElement(document, 'svg', { width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': 'system-ui, sans-serif' });
    root.append(svgElement(document, 'rect', { width: '100%', height: '100%', fill: 'white' }));
    const heading = svgElement(document, 'text', { x: (width - LEGEND_WIDTH) / 2, y: 24, 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' });
    heading.textContent = title;
    root.append(heading);
    // The raster's cells are centred on the grid points, so its bounds reach half a step past them.
    const half = (axis: number[]) => (axis[axis.length - 1] - axis[0]) / (axis.length - 1) / 2;
    const [x1, x2] = [grid.x[0] - half(grid.x), grid.x[grid.x.length - 1] + half(grid.x)];
    const [y1, y2] = [grid.y[0] - half(grid.y), grid.y[grid.y.length - 1] + half(grid.y)];
    const levels = grid.loss.flat().map(level);
    const colorOf = (label: string) => runColor(label, paths.findIndex((path) => path.label === label));
    const points = paths.flatMap((path: LandscapePath) => path.x.map((x, i) => ({ name: path.label, x, y: path.y[i], epoch: path.epochs[i] })));
    const ends = paths.map((path) => ({ name: path.label, x: path.x[path.x.length - 1], y: path.y[path.y.length - 1], epoch: path.epochs[path.epochs.length - 1] }));
    const plot = Plot.plot({
      document,
      width: width - LEGEND_WIDTH,
      height: height - TITLE_HEIGHT,
      marginLeft: 55,
      marginBottom: 40,
      x: { domain: [grid.x[0], grid.x[grid.x.length - 1]], label: axisTitle(landscape, 0), labelAnchor: 'center', labelArrow: 'none' },
      y: { domain: [grid.y[0], grid.y[grid.y.length - 1]], label: axisTitle(landscape, 1), labelAnchor: 'center', labelArrow: 'none' },
      color: { type: 'linear', scheme: 'blues', domain: [Math.min(...levels), Math.max(...levels)] },
      marks: [
        Plot.contour(levels, {
          x1, x2, y1, y2, width: grid.x.length, height: grid.y.length, thresholds: CONTOUR_LEVELS, value: Plot.identity,
          fill: 'value', fillOpacity: 0.6, stroke: 'white', strokeWidth: 0.5, clip: true,
        }),
        Plot.line(points, { x: 'x', y: 'y', z: 'name', stroke: (d: { name: string }) => colorOf(d.name), strokeWidth: 2, clip: true }),
        Plot.dot(points, { x: 'x', y: 'y', r: 2.5, fill: (d: { name: string }) => colorOf(d.name), clip: true }),
        Plot.text(ends, { x: 'x', y: 'y', text: (d: { epoch: number }) => String(d.epoch), dx: 8, fontSize: 9, textAnchor: 'start', clip: true }),
        Plot.dot([[0, 0]], { x: (d: number[]) => d[0], y: (d: number[]) => d[1], r: 5, stroke: 'black', strokeWidth: 2 }),
      ],
    });
    plot.setAttribute('y', String(TITLE_HEIGHT));
    root.append(plot);
    const key = legend(document, paths.map((path) => path.label), colorOf, 1);
    key.element.setAttribute('transform', `translate(${width - LEGEND_WIDTH + 12},${TITLE_HEIGHT + 10})`);
    root.append(key.element);
    // What the shades mean, under the legend (plotly shows the same as its color bar): the blues
    // from the lowest level to the highest, in steps (Plot's own ramp needs a canvas, which jsdom lacks).
    const [low, high] = [Math.min(...levels), Math.max(...levels)];
    const ramp = svgElement(document, 'g', { 'font-size': 10, transform: `translate(${width - LEGEND_WIDTH + 12},${TITLE_HEIGHT + 10 + paths.length * 20 + 16})` });
    const caption = svgElement(document, 'text', { x: 0, y: 0 });
    caption.textContent = 'log10 loss on the plane';
    ramp.append(caption);
    const steps = 8;
    for (let i = 0; i < steps; i++) {
      ramp.append(svgElement(document, 'rect', { x: i * 20, y: 6, width: 20, height: 10, fill: BLUES[Math.round((i * (BLUES.length - 1)) / (steps - 1))][1] as string, 'fill-opacity': 0.6 }));
    }
    for (const [x, value, anchor] of [[0, low, 'start'], [steps * 20, high, 'end']] as const) {
      const label = svgElement(document, 'text', { x, y: 28, 'text-anchor': anchor });
      label.textContent = value.toFixed(2);
      ramp.append(label);
    }
    root.append(ramp);
    return new window.XMLSerializer().serializeToString(root)
      .replace(/="([^"]*)"/g, (attribute: string) => attribute.replace(/(\d\.\d)\d+/g, '$1'));
  } finally {
    window.close();
  }
}

/** The plane's MIME bundle: plotly figure, static picture, plain text. */
export function landscapeBundle(landscape: Landscape, title: string): MimeBundle {
  const figure = landscapeFigure(landscape, title);
  return figureBundle(figure, landscapeSvg(landscape, title), {
    width: figure.layout.width, height: figure.layout.height,
    description: `"${title}": the paths of ${landscape.paths.map((path) => path.label).join(', ')} on the loss contours of the shared plane, ` +
      `${landscape.grid.x.length} x ${landscape.grid.y.length} points`,
  });
}

/**
 * The loss along each run's line from its initial (alpha 0) to its final weights (alpha 1), for
 * `showChart`: as log10 of the loss, which falls over orders of magnitude (from 2.3 to 1e-5 for the
 * course's RMSprop run), so that the bottom of each line can be told apart.
 */
export function lineChart(landscape: Landscape): { series: Series[]; options: ChartOptions } {
  return {
    series: landscape.lines.map((line) => ({ name: line.label, x: line.alpha, y: line.loss.map((loss) => level(loss)) })),
    options: {
      title: 'loss on the straight line from the initial to the final weights',
      xLabel: 'alpha (0: initial weights, 1: final weights)', yLabel: `log10 loss on ${landscape.evaluationImages} training images`,
    },
  };
}
