/** Shows a chart in the output of a tslab notebook cell. */
import { dirname, join } from 'node:path';
import type { Display } from 'tslab';
import { ChartOptions } from './options';
import { plotlyHtml } from './plotly';
import { Series, validateSeries } from './series';

const TSLAB_JUPYTER_MODULE = join('tslab', 'dist', 'jupyter.js');

/**
 * The display of the tslab copy that runs this kernel. It is usually the project's
 * node_modules/tslab, the one `require('tslab')` finds, but a kernel started from
 * another install has its own copy, whose display is the only one that can write to
 * the notebook (the others say "Not ready"). So look for the loaded copy whose
 * Jupyter connection is live: tslab sets `lastWriteDisplayData` when a cell runs.
 */
function kernelDisplay(): Display {
  for (const [file, loaded] of Object.entries(require.cache)) {
    if (file.endsWith(TSLAB_JUPYTER_MODULE) && loaded?.exports?.lastWriteDisplayData) {
      return (require(join(dirname(file), 'public.js')) as typeof import('tslab')).display;
    }
  }
  throw new Error('showChart draws into a Jupyter notebook run by the tslab kernel, and none is running here. ' +
    'Outside a notebook, use plotlyHtml() for an HTML page or svgChart()/writeSvgChart() for an SVG file.');
}

/**
 * Draws an interactive plotly.js line chart, one line per series, under the
 * running tslab cell (one `text/html` output; tslab sends one MIME type per call).
 */
export function showChart(series: readonly Series[], options: ChartOptions = {}): void {
  validateSeries(series);
  // Find the display first, so a failed call does not use up the fragment that carries plotly.js.
  const display = kernelDisplay();
  display.html(plotlyHtml(series, options));
}
