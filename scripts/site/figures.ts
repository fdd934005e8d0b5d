/**
 * The charts' pictures as files of the site, as a Jupyter Book keeps its figures in `_static/`:
 * each chart's static SVG leaves the page's HTML (where it was a base64 `data:` URL, a third
 * larger) for `figures/<notebook>/chart-<n>.svg`, and the `<img>` points there. The page stays
 * smaller, the pictures are cached once, and the index shows the main chart from the same file.
 */
import { PLOTLY_MIME } from '../../lib/charts/bundle';
import type { NotebookJson } from '../student/student-edition';

const SVG_DATA_URL = 'data:image/svg+xml;base64,';

export interface Figure {
  /** The path inside the site, e.g. `figures/01-optimizers/chart-3.svg`. */
  file: string;
  svg: string;
  /** What the chart shows, in one line (the picture's alt text). */
  alt: string;
}

/** Moves every chart picture of `document` into a figure file; returns the files, in page order. */
export function extractFigures(document: Document, name: string): Figure[] {
  const pictures = Array.from(document.querySelectorAll<HTMLImageElement>('img.descent-lab-chart-static'));
  return pictures.flatMap((img, index) => {
    const src = img.getAttribute('src') ?? '';
    if (!src.startsWith(SVG_DATA_URL)) return [];
    const file = `figures/${name}/chart-${index + 1}.svg`;
    img.setAttribute('src', file);
    img.setAttribute('loading', 'lazy');
    return [{ file, svg: Buffer.from(src.slice(SVG_DATA_URL.length), 'base64').toString('utf8'), alt: img.alt }];
  });
}

type Output = { data?: Record<string, unknown> };

/**
 * Which chart (0-based, in page order) is the notebook's main one: the chart of a cell tagged
 * `main-chart`, else the one with the most lines, the last of equals: the comparison a notebook
 * builds up to comes after the live charts of the same runs.
 */
export function mainChartIndex(notebook: NotebookJson): number {
  const charts = notebook.cells.flatMap((cell) => {
    const tags = ((cell.metadata as { tags?: string[] } | undefined)?.tags) ?? [];
    return ((cell as { outputs?: Output[] }).outputs ?? [])
      .filter((output) => output.data?.[PLOTLY_MIME] !== undefined)
      .map((output) => ({ tagged: tags.includes('main-chart'), traces: ((output.data![PLOTLY_MIME] as { data?: unknown[] }).data ?? []).length }));
  });
  const tagged = charts.findIndex((chart) => chart.tagged);
  if (tagged !== -1) return tagged;
  let best = 0;
  charts.forEach((chart, index) => {
    if (chart.traces >= charts[best].traces) best = index;
  });
  return best;
}
