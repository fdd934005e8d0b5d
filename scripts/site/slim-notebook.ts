/**
 * An executed notebook without its copy of plotly.js. `dl.enableInteractiveCharts()` puts the 4.8 MB
 * library into the first code cell's output; the website loads it once for every page from its
 * assets, and a download that carried it would be five times its size. Every chart keeps its
 * figure and its picture: in Jupyter each shows the picture until the first cell runs again.
 */
import type { NotebookJson } from '../student/student-edition';

/** The marker `plotlyLibraryBundle` (lib/charts/bundle.ts) puts in the output that carries plotly.js. */
const LIBRARY_MARKER = 'descent-lab-plotly-library';

const NOTE = 'plotly.js is not stored in this copy of the notebook (the course website loads it once for all pages). ' +
  'Run this cell to make the charts interactive; until then each shows its picture.';

function htmlOf(data: Record<string, unknown> | undefined): string {
  const html = data?.['text/html'];
  return Array.isArray(html) ? html.join('') : typeof html === 'string' ? html : '';
}

/** A copy of `notebook` whose plotly.js outputs are replaced by a one-line note; the rest as it was. */
export function withoutPlotlyLibrary(notebook: NotebookJson): NotebookJson {
  const copy = structuredClone(notebook);
  for (const cell of copy.cells) {
    const outputs = (cell as { outputs?: { output_type: string; data?: Record<string, unknown> }[] }).outputs ?? [];
    for (const output of outputs) {
      if (!htmlOf(output.data).includes(LIBRARY_MARKER)) continue;
      output.data = {
        'text/html': `<div class="${LIBRARY_MARKER}" style="font-size:smaller;color:#777">${NOTE}</div>`,
        'text/plain': NOTE,
      };
    }
  }
  return copy;
}
