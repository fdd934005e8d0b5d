/**
 * The course's results for the index page: the final figures of every run, as the notebooks
 * printed them with `dl.finalFigures` (epochs, training and test accuracy, test loss of each run's
 * last epoch). Read from the executed notebooks, so the index shows the very runs the pages show.
 */
import { cellOutputText, cellSource, NotebookCell } from '../jupyter/notebook-runner';

export interface RunFigures {
  run: string;
  epochs: string;
  trainAcc: string;
  testAcc: string;
  testLoss: string;
}

const HEADER = /^run\s+epochs\s+train acc\s+test acc\s+test loss\s*$/;
const ROW = /^(.+?)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/;

/** The rows of every `finalFigures` table printed in `cells`, in order, each run once. */
export function finalFiguresOf(cells: NotebookCell[]): RunFigures[] {
  const rows = new Map<string, RunFigures>();
  for (const cell of cells) {
    if (cell.cell_type !== 'code' || !cellSource(cell).includes('finalFigures(')) continue;
    let inTable = false;
    for (const line of cellOutputText(cell).split('\n')) {
      if (HEADER.test(line)) {
        inTable = true;
        continue;
      }
      const match = inTable ? ROW.exec(line) : null;
      if (!match) {
        inTable = false;
        continue;
      }
      const [, run, epochs, trainAcc, testAcc, testLoss] = match;
      rows.set(run, { run, epochs, trainAcc, testAcc, testLoss });
    }
  }
  return [...rows.values()];
}
