/**
 * What a reader sees of each chart output in a page: a drawn Plotly chart (`.js-plotly-plot`
 * holding its `.main-svg`, visible), a static picture (an `img` that loaded, shown at least
 * 200 x 150 px, visible), or nothing. Outputs are found by position (see chart-outputs.ts) in the
 * viewer's own layout: the classic Notebook's `.code_cell` / `.output_area`, or JupyterLab's
 * (and nbconvert's lab template's) `.jp-CodeCell` / `.jp-OutputArea-child`.
 */
import type { Frame, Page } from 'playwright-core';
import { ChartPosition } from './chart-outputs';

export type Layout = 'classic' | 'jupyterlab';
export type Shown = 'plotly' | 'image' | 'none';

export interface ChartSight {
  position: ChartPosition;
  shown: Shown;
  /** The start of the output's text, to say what is there instead of a chart. */
  text: string;
}

const selectors: Record<Layout, { cell: string; output: string }> = {
  classic: { cell: '#notebook-container .cell.code_cell', output: '.output > .output_area' },
  jupyterlab: { cell: '.jp-CodeCell', output: '.jp-OutputArea-child' },
};

/** Runs in the page: what each chart output shows. */
function look([sel, positions]: [{ cell: string; output: string }, ChartPosition[]]) {
  const visible = (el: Element) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  };
  const cells = document.querySelectorAll(sel.cell);
  return positions.map((position) => {
    const output = cells[position.cell]?.querySelectorAll(sel.output)[position.output];
    if (!output) return { position, shown: 'none' as const, text: '(no such output in the page)' };
    const plot = Array.from(output.querySelectorAll('.js-plotly-plot')).some((el) => el.querySelector('.main-svg') && visible(el));
    const image = Array.from(output.querySelectorAll('img')).some((img) => {
      const box = img.getBoundingClientRect();
      return img.complete && img.naturalWidth > 0 && box.width >= 200 && box.height >= 150 && visible(img);
    });
    const shown = plot ? 'plotly' as const : image ? 'image' as const : 'none' as const;
    return { position, shown, text: (output as HTMLElement).innerText.trim().slice(0, 200) };
  });
}

export function lookAtCharts(page: Page | Frame, layout: Layout, positions: ChartPosition[]): Promise<ChartSight[]> {
  return page.evaluate(look, [selectors[layout], positions] as [{ cell: string; output: string }, ChartPosition[]]);
}

/**
 * Waits (up to `timeoutMs`, polling) until every chart output shows what `want` asks for - a Plotly
 * chart, or either a Plotly chart or a picture - and returns what each shows at the end either way.
 */
export async function waitForCharts(
  page: Page | Frame, layout: Layout, positions: ChartPosition[], want: 'plotly' | 'any', timeoutMs = 60_000,
): Promise<ChartSight[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sights = await lookAtCharts(page, layout, positions);
    const done = sights.every((sight) => (want === 'plotly' ? sight.shown === 'plotly' : sight.shown !== 'none'));
    if (done || Date.now() > deadline) return sights;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
