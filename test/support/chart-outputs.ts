/**
 * Where a notebook's chart outputs are: for each, the ordinal of its code cell among the code cells
 * and its index among that cell's outputs, which is how every viewer lays outputs out in the page.
 *
 * A chart output is one whose bundle has `application/vnd.plotly.v1+json` (the chart contract of
 * issue 7). A notebook from before that contract has none; there a chart is a `text/html` output
 * holding a `descent-lab-chart-...` div.
 */
import * as fs from 'node:fs';

export const plotlyMime = 'application/vnd.plotly.v1+json';

export interface ChartPosition {
  /** The code cell's ordinal among the notebook's code cells (0-based). */
  cell: number;
  /** The output's index among its cell's outputs. */
  output: number;
}

type Output = { output_type: string; data?: Record<string, unknown> };
type Cell = { cell_type: string; outputs?: Output[] };

function html(output: Output): string {
  const value = output.data?.['text/html'];
  return Array.isArray(value) ? value.join('') : String(value ?? '');
}

export function chartPositions(cells: Cell[]): ChartPosition[] {
  const codeCells = cells.filter((cell) => cell.cell_type === 'code');
  const all = codeCells.flatMap((cell, index) => (cell.outputs ?? []).map((output, at) => ({ output, position: { cell: index, output: at } })));
  const contract = all.filter(({ output }) => output.data?.[plotlyMime] !== undefined);
  const charts = contract.length > 0 ? contract : all.filter(({ output }) => html(output).includes('id="descent-lab-chart-'));
  return charts.map(({ position }) => position);
}

export function notebookChartPositions(file: string): ChartPosition[] {
  return chartPositions(JSON.parse(fs.readFileSync(file, 'utf8')).cells);
}
