/**
 * Every notebook's student edition, run as written in quick mode through real Jupyter (nbclient
 * with allow_errors, as nbgrader's autograde runs) and the real tslab kernel: each check cell ends
 * with a clear "not implemented yet" failure, nothing else fails but the cells that call a stubbed
 * function (with the stub's own error), the kernel survives, and the training and charts after the
 * exercises still run. Then the instructor notebooks (the solutions put back): every check passes.
 *
 * Runs come from the project's results cache (.cache/, or DESCENT_LAB_CACHE_DIR), which a course
 * run or an earlier test run has filled; what is missing trains in quick mode.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cellOutputText, cellSource, executeNotebook, ExecuteResult, NotebookCell, readCells } from '../scripts/jupyter/notebook-runner';
import { notebooksDir, projectRoot } from '../scripts/jupyter/paths';
import { isGradeCell, NotebookCellJson } from '../scripts/student/solution-regions';
import { writeStudentEdition } from '../scripts/student/student-edition';

const notebooks = fs.readdirSync(notebooksDir).filter((name) => name.endsWith('.ipynb')).sort();
// Inside the project, so that the kernel (started in the notebook's folder) resolves 'descent-lab'.
fs.mkdirSync(path.join(projectRoot, 'out'), { recursive: true });
const workDir = fs.mkdtempSync(path.join(projectRoot, 'out', '.student-test-'));
const studentDir = path.join(workDir, 'student');
const env = { DESCENT_LAB_QUICK: '1' };

interface Run { result: ExecuteResult; log: string; cells: NotebookCell[] }
const runs = { student: new Map<string, Run>(), solved: new Map<string, Run>() };


function failed(cell: NotebookCell): boolean {
  return (cell.outputs ?? []).some((output) => output.output_type === 'error' ||
    (output.output_type === 'stream' && (output as { name?: string }).name === 'stderr'));
}

const isCheck = (cell: NotebookCell) => isGradeCell(cell as unknown as NotebookCellJson);

async function run(file: string): Promise<Run> {
  let log = '';
  const result = await executeNotebook(file, {
    outDir: path.join(workDir, 'executed', path.basename(path.dirname(file))),
    env, html: false, allowErrors: true, onOutput: (text) => (log += text),
  });
  return { result, log, cells: result.ok ? readCells(result.executedPath) : [] };
}

/** "check-sgd: passed", "check-adam: not implemented yet", ... for the report. */
function checkOutcomes(cells: NotebookCell[]): { id: string; outcome: string }[] {
  return cells.filter(isCheck).map((cell) => {
    const text = cellOutputText(cell);
    const outcome = !failed(cell) && /^passed: /.test(text) ? 'passed'
      : /CheckFailed: .* is not implemented yet/.test(text) ? 'not implemented yet' : `other: ${text.split('\n').find((l) => /Error/.test(l)) ?? text}`;
    return { id: (cell as unknown as NotebookCellJson).metadata.nbgrader!.grade_id!, outcome };
  });
}

before(async () => {
  for (const name of notebooks) {
    const { path: edition } = writeStudentEdition(path.join(notebooksDir, name), studentDir);
    runs.student.set(name, await run(edition));
    runs.solved.set(name, await run(path.join(notebooksDir, name)));
  }
  for (const name of notebooks) {
    const count = (kind: 'student' | 'solved') => {
      const outcomes = checkOutcomes(runs[kind].get(name)!.cells);
      return `${outcomes.filter((o) => o.outcome === 'passed').length}/${outcomes.length} passed`;
    };
    console.log(`${name}: as written ${count('student')}, solved ${count('solved')}`);
  }
});

after(() => fs.rmSync(workDir, { recursive: true, force: true }));

for (const name of notebooks) {
  describe(`${name}, student edition run as written (quick mode, allow_errors)`, () => {
    const get = () => {
      const entry = runs.student.get(name)!;
      assert.equal(entry.result.ok, true, `${entry.result.failure}\n--- log tail ---\n${entry.log.slice(-3000)}`);
      return entry.cells;
    };

    it('runs to the end without a kernel crash: every code cell executed', () => {
      for (const [index, cell] of get().entries()) {
        if (cell.cell_type === 'code') assert.notEqual(cell.execution_count ?? null, null, `cell ${index + 1} did not run`);
      }
    });

    it('fails every check cell with CheckFailed: "... is not implemented yet"', () => {
      const outcomes = checkOutcomes(get());
      assert.ok(outcomes.length > 0, 'the notebook has check cells');
      assert.deepEqual(outcomes.filter((o) => o.outcome !== 'not implemented yet'), []);
    });

    it("fails no other cell but those that call a stub, and those with the stub's own error", () => {
      for (const [index, cell] of get().entries()) {
        if (isCheck(cell) || !failed(cell)) continue;
        const text = cellOutputText(cell);
        assert.match(text, /^Error: not implemented yet$/m, `cell ${index + 1} (${cellSource(cell).split('\n')[0]}) failed otherwise:\n${text.slice(0, 800)}`);
        assert.doesNotMatch(text, /^\d+:\d+ - /m, `cell ${index + 1}: a TypeScript error`);
      }
    });

    it('still trains and draws: the sweeps and the comparison charts after the exercises run', () => {
      const cells = get();
      const sweeps = cells.filter((cell) => cellSource(cell).includes('dl.runExperiments('));
      for (const cell of sweeps) assert.equal(failed(cell), false, cellSource(cell).split('\n')[0]);
      const comparisons = cells.filter((cell) => /dl\.showChart\(dl\.curves\(/.test(cellSource(cell)));
      for (const cell of comparisons) {
        assert.equal(failed(cell), false);
        assert.ok((cell.outputs ?? []).some((output) => output.data?.['application/vnd.plotly.v1+json']), 'a chart was drawn');
      }
    });
  });

  describe(`${name}, solved (the instructor notebook, quick mode)`, () => {
    it('runs every cell without an error, and every check passes', () => {
      const entry = runs.solved.get(name)!;
      assert.equal(entry.result.ok, true, entry.result.failure);
      for (const [index, cell] of entry.cells.entries()) {
        assert.equal(failed(cell), false, `cell ${index + 1} failed:\n${cellOutputText(cell).slice(0, 800)}`);
      }
      const outcomes = checkOutcomes(entry.cells);
      assert.ok(outcomes.length > 0);
      assert.deepEqual(outcomes.filter((o) => o.outcome !== 'passed'), []);
      for (const cell of entry.cells.filter(isCheck)) assert.match(cellOutputText(cell), /^passed: your .+\n$/);
    });
  });
}
