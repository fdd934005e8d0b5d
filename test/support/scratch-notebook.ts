/** Writes small throwaway notebooks for the tests that run cells in a folder of their own. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kernelName } from '../../scripts/register-kernel';
import { cellOutputText, readCells } from '../../scripts/jupyter/notebook-runner';

/** Writes `<folder>/<name>.ipynb` with one code cell per source, for the descent-lab-tslab kernel; returns its path. */
export function writeNotebook(folder: string, name: string, cells: string[]): string {
  const notebook = {
    cells: cells.map((source, index) => ({
      cell_type: 'code', execution_count: null, id: `cell-${index}`, metadata: {}, outputs: [], source,
    })),
    metadata: { kernelspec: { name: kernelName, display_name: 'TypeScript (Descent Lab tslab)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${name}.ipynb`);
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1));
  return file;
}

/** What each cell of an executed notebook printed (streams, and errors as `ename: evalue`). */
export function outputsOf(executed: string): string[] {
  return readCells(executed).map(cellOutputText);
}
