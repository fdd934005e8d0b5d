/**
 * The static picture of a trajectories chart, for every viewer that runs no script: the surface's
 * contours (Observable Plot's contour mark, evaluated on a grid), each path as a line with dots in
 * its optimizer's color, the start and the minimum, and a legend, drawn in jsdom to SVG.
 */
import { legend, svgElement } from '../charts/svg';
import { OptimizerPath } from './path';
import { optimizerColor } from './palette';
import { pathLabel } from './labels';
import { contourLevel, Surface, surfaceGrid } from './surface';
import { CONTOUR_GRID_SIZE, CONTOUR_LEVELS, LEGEND_WIDTH, rounded, TRAJECTORY_CHART_SIZE } from './figure';

type PlotModule = typeof import('@observablehq/plot');

const TITLE_HEIGHT = 34;

/** Renders the SVG document (xmlns set) of `paths` on `surface`, `title` above. */
export function trajectoriesSvg(surface: Surface, paths: readonly OptimizerPath[], title: string): string {
  const Plot = require('@observablehq/plot') as PlotModule;
  const { JSDOM } = require('jsdom') as typeof import('jsdom');
  const { window } = new JSDOM('');
  const document = window.document;
  const { width, height } = TRAJECTORY_CHART_SIZE;
  try {
    const root = svgElement(document, 'svg', { width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': 'system-ui, sans-serif' });
    root.append(svgElement(document, 'rect', { width: '100%', height: '100%', fill: 'white' }));
    const heading = svgElement(document, 'text', { x: (width - LEGEND_WIDTH) / 2, y: 24, 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' });
    heading.textContent = title;
    root.append(heading);
    const [x1, x2] = surface.range.x1;
    const [y1, y2] = surface.range.x2;
    const points = paths.flatMap((path) => path.points.map(([x, y]) => ({ name: pathLabel(path), x: rounded(x), y: rounded(y) })));
    const names = paths.map(pathLabel);
    const grid = surfaceGrid(surface, CONTOUR_GRID_SIZE);
    const landmarks = [surface.start, ...(surface.minimum ? [surface.minimum] : [])];
    const plot = Plot.plot({
      document,
      width: width - LEGEND_WIDTH,
      height: height - TITLE_HEIGHT,
      marginLeft: 50,
      marginBottom: 40,
      x: { domain: [x1, x2], label: 'x1', labelAnchor: 'center', labelArrow: 'none' },
      y: { domain: [y1, y2], label: 'x2', labelAnchor: 'center', labelArrow: 'none' },
      color: { type: 'linear', scheme: 'blues', domain: levelDomain(surface) },
      marks: [
        // The same grid as the plotly contours: marching squares on it gives few, short paths.
        Plot.contour(grid.z.flat().map((value) => contourLevel(surface, value)), {
          x1, x2, y1, y2, width: grid.x1.length, height: grid.x2.length, thresholds: CONTOUR_LEVELS, value: Plot.identity,
          fill: 'value', fillOpacity: 0.55, stroke: 'white', strokeWidth: 0.5,
        }),
        Plot.line(points, { x: 'x', y: 'y', z: 'name', stroke: (d: { name: string }) => colorOf(paths, d.name), strokeWidth: 2, clip: true }),
        Plot.dot(landmarks.slice(0, 1), { x: (d: number[]) => d[0], y: (d: number[]) => d[1], r: 5, stroke: 'black', strokeWidth: 2 }),
        ...(surface.minimum ? [Plot.dot([surface.minimum], { x: (d: number[]) => d[0], y: (d: number[]) => d[1], r: 7, symbol: 'star', fill: 'black' })] : []),
      ],
    });
    plot.setAttribute('y', String(TITLE_HEIGHT));
    root.append(plot);
    const key = legend(document, names, (name) => colorOf(paths, name), 1);
    key.element.setAttribute('transform', `translate(${width - LEGEND_WIDTH + 12},${TITLE_HEIGHT + 10})`);
    root.append(key.element);
    // Coordinates in attributes to a tenth of a pixel: Plot writes three decimals, which nobody sees and
    // the page carries. Text (titles, legend labels such as "η=0.05") is left alone.
    return new window.XMLSerializer().serializeToString(root)
      .replace(/="([^"]*)"/g, (attribute: string) => attribute.replace(/(\d\.\d)\d+/g, '$1'));
  } finally {
    window.close();
  }
}

function colorOf(paths: readonly OptimizerPath[], label: string): string {
  const path = paths.find((candidate) => pathLabel(candidate) === label);
  return path ? optimizerColor(path.optimizer) : 'gray';
}

/** The [min, max] of the contour levels over the drawn range, for the color scale. */
function levelDomain(surface: Surface): [number, number] {
  const levels = surfaceGrid(surface, 21).z.flat().map((value) => contourLevel(surface, value));
  return [Math.min(...levels), Math.max(...levels)];
}
