/**
 * Student editions without a kernel: the solution regions parse as nbgrader's ClearSolutions parses
 * them (on the real notebooks, and malformed input fails with the notebook, cell and line named);
 * the edition's cells are what ClearSolutions gives (nbgrader itself where it is installed, else
 * nbgrader's rules in Python, test/support/clear_solutions.py); outputs and counts are cleared; and
 * the course notebooks follow the conventions (a check cell after each exercise, regions inside
 * function bodies). `npm run student` writes one edition per notebook.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { SOLUTION_STUB } from '../lib/checks';
import { prepareJupyter } from '../scripts/jupyter/notebook-runner';
import { notebooksDir, projectRoot } from '../scripts/jupyter/paths';
import {
  clearSolutionRegions, NotebookCellJson, RegionError, sourceText,
} from '../scripts/student/solution-regions';
import { NotebookJson, notebookText, readNotebook, studentEdition } from '../scripts/student/student-edition';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-student-'));
after(() => fs.rmSync(workDir, { recursive: true, force: true }));

const notebooks = fs.readdirSync(notebooksDir).filter((name) => name.endsWith('.ipynb')).sort();
const place = { cellNumber: 3, cellId: 'abc' };

function lines(...text: string[]): string {
  return text.join('\n');
}

function codeCell(source: string, nbgrader?: NotebookCellJson['metadata']['nbgrader']): NotebookCellJson {
  return { cell_type: 'code', id: `c${Math.random().toString(36).slice(2, 8)}`, metadata: nbgrader ? { nbgrader } : {},
    source, outputs: [{ output_type: 'stream', name: 'stdout', text: 'old' }], execution_count: 7 };
}

const solution = (id: string) => ({ solution: true, grade: false, locked: false, grade_id: id, schema_version: 3 });
const check = (id: string) => ({ solution: false, grade: true, locked: true, points: 1, grade_id: id, schema_version: 3 });

function notebookOf(cells: NotebookCellJson[], language = 'typescript'): NotebookJson {
  return { cells, metadata: { kernelspec: { language, name: 'descent-lab-tslab' }, celltoolbar: 'Create Assignment' }, nbformat: 4, nbformat_minor: 5 };
}

/** What test/support/clear_solutions.py (nbgrader's ClearSolutions, or its rules) makes of a notebook file. */
function referenceSources(file: string): { engine: string; sources?: string[]; error?: string } {
  const run = spawnSync(prepareJupyter(), [path.join(projectRoot, 'test', 'support', 'clear_solutions.py'), file, SOLUTION_STUB],
    { encoding: 'utf8' });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return JSON.parse(run.stdout);
}

function writeNotebook(name: string, notebook: NotebookJson): string {
  const file = path.join(workDir, name);
  fs.writeFileSync(file, notebookText(notebook));
  return file;
}

describe('solution regions, cut as ClearSolutions cuts them', () => {
  it('replaces each region, delimiters included, by the stub indented like its BEGIN line', () => {
    const source = lines('function f(x: number): number {', '  // BEGIN SOLUTION', '  const y = x * 2;', '  return y;',
      '  // END SOLUTION', '}', 'const g = () => {', '    // BEGIN SOLUTION', '    return 1;', '    // END SOLUTION', '};');
    const cleared = clearSolutionRegions(source, SOLUTION_STUB, 'code', place);
    assert.equal(cleared.source, lines('function f(x: number): number {', '  // YOUR CODE HERE', "  throw new Error('not implemented yet');",
      '}', 'const g = () => {', '    // YOUR CODE HERE', "    throw new Error('not implemented yet');", '};'));
    assert.deepEqual(cleared.regions, [{ beginLine: 2, endLine: 5 }, { beginLine: 8, endLine: 10 }]);
  });

  it('keeps the source as it is (final newline or not) outside the regions, and leaves a cell without regions alone', () => {
    const withNewline = lines('a', '// BEGIN SOLUTION', 'b', '// END SOLUTION', 'c', '');
    assert.equal(clearSolutionRegions(withNewline, 'STUB', 'code', place).source, lines('a', 'STUB', 'c', ''));
    assert.deepEqual(clearSolutionRegions('x\ny', 'STUB', 'code', place), { source: 'x\ny', regions: [] });
  });

  it('refuses a BEGIN inside a region, naming the cell and both lines', () => {
    assert.throws(() => clearSolutionRegions(lines('// BEGIN SOLUTION', 'x', '  // BEGIN SOLUTION', '// END SOLUTION'), 'S', 'code', place),
      (error: unknown) => error instanceof RegionError &&
        /^cell 3 \(id abc\), line 3: a second BEGIN SOLUTION inside the region opened at line 1/.test(error.message));
  });

  it('refuses a region without its END, naming the line it opened at', () => {
    assert.throws(() => clearSolutionRegions(lines('a', '// BEGIN SOLUTION', 'b'), 'S', 'code', place),
      /^RegionError: cell 3 \(id abc\), line 2: the region opened here has no END SOLUTION; add a "\/\/ END SOLUTION" line/);
  });

  it('refuses an END without a BEGIN (which nbgrader would drop silently)', () => {
    assert.throws(() => clearSolutionRegions(lines('a', '// END SOLUTION'), 'S', 'code', place),
      /cell 3 \(id abc\), line 2: END SOLUTION without a BEGIN SOLUTION before it \(nbgrader would drop this line silently\)/);
  });

  it('refuses a delimiter that is not alone on its line as a // comment (nbgrader would cut there all the same)', () => {
    assert.throws(() => clearSolutionRegions(lines('x = 1; // BEGIN SOLUTION', '// END SOLUTION'), 'S', 'code', place),
      /line 1: "x = 1; \/\/ BEGIN SOLUTION" mentions BEGIN SOLUTION, which nbgrader takes for a delimiter anywhere in a line/);
    assert.throws(() => clearSolutionRegions('// see END SOLUTION below', 'S', 'code', place), /line 1: .* mentions END SOLUTION/);
    assert.throws(() => clearSolutionRegions('/* BEGIN SOLUTION */', 'S', 'code', place), /write the delimiter alone on its line as "\/\/ BEGIN SOLUTION"/);
  });

  it('cuts a markdown region as nbgrader does, with its text stub', () => {
    const cleared = clearSolutionRegions(lines('Answer:', 'BEGIN SOLUTION', 'It zig-zags.', 'END SOLUTION'), 'YOUR ANSWER HERE', 'markdown', place);
    assert.equal(cleared.source, lines('Answer:', 'YOUR ANSWER HERE'));
  });
});

describe('studentEdition', () => {
  const exercise = codeCell(lines('function f(): number {', '  // BEGIN SOLUTION', '  return 1;', '  // END SOLUTION', '}'), solution('f'));
  const itsCheck = codeCell("console.log(dl.checks.updateRule('SGD', fromScratch.SGD));", check('check-f'));

  it('cuts the regions, keeps the check cells and the metadata, clears outputs, counts and the celltoolbar', () => {
    const plain = codeCell('console.log(1);');
    plain.metadata.scrolled = true;
    const { notebook, report } = studentEdition(notebookOf([exercise, itsCheck, plain]), 'x.ipynb');
    assert.deepEqual(notebook.cells.map(sourceText), [
      lines('function f(): number {', '  // YOUR CODE HERE', "  throw new Error('not implemented yet');", '}'),
      sourceText(itsCheck), 'console.log(1);',
    ]);
    assert.deepEqual(notebook.cells[0].source, ['function f(): number {\n', '  // YOUR CODE HERE\n', "  throw new Error('not implemented yet');\n", '}']);
    for (const cell of notebook.cells) {
      assert.deepEqual(cell.outputs, []);
      assert.equal(cell.execution_count, null);
    }
    assert.deepEqual(notebook.cells[1].metadata, itsCheck.metadata);
    assert.equal('scrolled' in notebook.cells[2].metadata, false, "ClearOutput's metadata fields go with the outputs");
    assert.equal('celltoolbar' in notebook.metadata, false);
    assert.deepEqual(report, { solutionCells: [{ cellNumber: 1, gradeId: 'f', regions: [{ beginLine: 2, endLine: 4 }] }], checkCells: ['check-f'] });
    assert.equal(exercise.outputs!.length, 1, 'the instructor notebook is not changed');
  });

  it('replaces a solution cell without regions as a whole, as nbgrader does', () => {
    const whole = codeCell('const answer = 42;', solution('whole'));
    assert.equal(sourceText(studentEdition(notebookOf([whole]), 'x.ipynb').notebook.cells[0]), SOLUTION_STUB);
  });

  it('refuses a region outside a solution cell, naming the notebook, cell and line, and the metadata to add', () => {
    const unmarked = codeCell(lines('let a = 1;', '// BEGIN SOLUTION', 'a = 2;', '// END SOLUTION'));
    unmarked.id = 'opt-06';
    assert.throws(() => studentEdition(notebookOf([itsCheck, unmarked]), 'notebooks/01-optimizers.ipynb'),
      /^RegionError: notebooks\/01-optimizers\.ipynb: cell 2 \(id opt-06\), line 2: a solution region in a cell that is not a solution cell; give the cell the metadata "nbgrader": \{"solution": true/);
  });

  it('names the notebook in a region error too', () => {
    const open = codeCell(lines('{', '  // BEGIN SOLUTION', '}'), solution('open'));
    assert.throws(() => studentEdition(notebookOf([codeCell('1'), open]), 'notebooks/02-x.ipynb'),
      /^RegionError: notebooks\/02-x\.ipynb: cell 2 \(id \w+\), line 2: the region opened here has no END SOLUTION/);
  });

  it('refuses what nbgrader would refuse later: a missing or repeated grade_id, a grade cell without points, another language', () => {
    assert.throws(() => studentEdition(notebookOf([codeCell('x', { ...solution('a'), grade_id: '' })]), 'n.ipynb'),
      /n\.ipynb: cell 1 \(id \w+\): an nbgrader solution cell without a grade_id/);
    assert.throws(() => studentEdition(notebookOf([exercise, codeCell('y', solution('f'))]), 'n.ipynb'),
      /cell 2 \(id \w+\): grade_id "f" is already the id of cell 1/);
    assert.throws(() => studentEdition(notebookOf([codeCell('x', { ...check('c'), points: undefined })]), 'n.ipynb'),
      /the grade cell "c" has points = undefined; give it "points": 1/);
    assert.throws(() => studentEdition(notebookOf([exercise], 'python'), 'n.ipynb'),
      /n\.ipynb: the kernel language is "python", not "typescript": nbgrader looks its code stub up by that language/);
  });

  it("gives what ClearSolutions gives, and refuses what it refuses", () => {
    const cases: [string, NotebookJson][] = [
      ['good.ipynb', notebookOf([exercise, itsCheck, codeCell('const whole = 1;', solution('w')),
        { cell_type: 'markdown', id: 'md', metadata: { nbgrader: solution('md') }, source: lines('A', 'BEGIN SOLUTION', 'B', 'END SOLUTION') }])],
      ['nested.ipynb', notebookOf([codeCell(lines('// BEGIN SOLUTION', '// BEGIN SOLUTION', '// END SOLUTION'), solution('n'))])],
      ['open.ipynb', notebookOf([codeCell(lines('x', '  // BEGIN SOLUTION'), solution('o'))])],
      ['unmarked.ipynb', notebookOf([codeCell(lines('// BEGIN SOLUTION', '// END SOLUTION'))])],
      ['python.ipynb', notebookOf([exercise], 'python')],
    ];
    for (const [name, notebook] of cases) {
      const reference = referenceSources(writeNotebook(name, notebook));
      let ours: string[] | undefined;
      try {
        ours = studentEdition(notebook, name).notebook.cells.map(sourceText);
      } catch (error) {
        assert.ok(error instanceof RegionError, String(error));
      }
      assert.deepEqual(ours, reference.sources, `${name} (reference: ${reference.engine}${reference.error ? `, refused: ${reference.error}` : ''})`);
    }
  });
});

describe('the course notebooks and their student editions', () => {
  const expected: Record<string, { regions: number; checks: string[] }> = {
    '01-optimizers.ipynb': {
      regions: 7,
      checks: ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad', 'adam', 'nadam'].map((name) => `check-update-rules-${name}`),
    },
    '02-learning-rate-schedules.ipynb': {
      regions: 4, checks: ['check-time-based-decay', 'check-step-decay', 'check-exponential-decay', 'check-one-cycle'],
    },
    '03-regularization.ipynb': { regions: 3, checks: ['check-l2-penalty', 'check-adamw-rule', 'check-early-stopping'] },
  };

  for (const name of notebooks) {
    describe(name, () => {
      const file = path.join(notebooksDir, name);
      const instructor = readNotebook(file);
      const { notebook, report } = studentEdition(instructor, name);

      it('has cells equal to what ClearSolutions makes of it (code stub SOLUTION_STUB)', () => {
        const reference = referenceSources(file);
        assert.equal(reference.error, undefined, reference.error);
        assert.deepEqual(notebook.cells.map(sourceText), reference.sources, `reference: ${reference.engine}`);
      });

      it('has no output and no execution count in its student edition', () => {
        for (const cell of notebook.cells.filter((c) => c.cell_type === 'code')) {
          assert.deepEqual(cell.outputs, []);
          assert.equal(cell.execution_count, null);
        }
      });

      it('follows each solution cell with check cells (graded, locked, a point each, printing a dl.checks result)', () => {
        instructor.cells.forEach((cell, index) => {
          if (!cell.metadata.nbgrader?.solution) return;
          const next = instructor.cells[index + 1];
          assert.equal(next?.metadata.nbgrader?.grade, true, `cell ${index + 2} checks the exercise of cell ${index + 1}`);
        });
        for (const cell of instructor.cells.filter((c) => c.metadata.nbgrader?.grade)) {
          const meta = cell.metadata.nbgrader!;
          assert.deepEqual([meta.solution, meta.locked, meta.schema_version, meta.points! > 0], [false, true, 3, true], meta.grade_id);
          assert.match(meta.grade_id!, /^check-/);
          assert.match(sourceText(cell), /console\.log\(dl\.checks\.\w+\(/, 'it prints what a dl.checks function returns');
        }
      });

      it('puts every region inside a function body (indented), so a stub throws only when called', () => {
        for (const cell of report.solutionCells) {
          assert.ok(cell.regions.length > 0, `cell ${cell.cellNumber} (${cell.gradeId}) has a region, not a whole-cell solution`);
          const source = sourceText(instructor.cells[cell.cellNumber - 1]).split('\n');
          for (const region of cell.regions) assert.match(source[region.beginLine - 1], /^\s+\/\/ BEGIN SOLUTION$/);
        }
      });

      if (expected[name]) {
        it(`marks the course's exercises: ${expected[name].regions} regions, checked by ${expected[name].checks.length} check cells`, () => {
          assert.equal(report.solutionCells.reduce((sum, cell) => sum + cell.regions.length, 0), expected[name].regions);
          assert.deepEqual(report.checkCells, expected[name].checks);
        });
      }
    });
  }
});

describe('the README', () => {
  it("gives nbgrader the stub that npm run student puts in (SOLUTION_STUB), as a Python string", () => {
    const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const match = /^c\.ClearSolutions\.code_stub = \{'typescript': "(.*)"\}$/m.exec(readme);
    assert.ok(match, 'the README sets ClearSolutions.code_stub');
    assert.equal(match[1].replace(/\\n/g, '\n'), SOLUTION_STUB);
  });
});

describe('npm run student', () => {
  const script = path.join(projectRoot, 'build', 'scripts', 'student-edition.js');

  it('writes the student edition of every notebook, and leaves the instructor notebooks as they were', () => {
    const before = notebooks.map((name) => fs.readFileSync(path.join(notebooksDir, name), 'utf8'));
    const out = path.join(workDir, 'student');
    const run = spawnSync(process.execPath, [script, '--out', out], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), notebooks);
    for (const name of notebooks) {
      assert.equal(fs.readFileSync(path.join(out, name), 'utf8'), notebookText(studentEdition(readNotebook(path.join(notebooksDir, name)), name).notebook));
      assert.match(run.stdout, new RegExp(`${name.replace('.', '\\.')}: \\d+ solution regions? in \\d+ solution cells?, \\d+ check cells?`));
    }
    assert.match(run.stdout, /01-optimizers\.ipynb: 7 solution regions in 1 solution cell, 7 check cells/);
    assert.deepEqual(notebooks.map((name) => fs.readFileSync(path.join(notebooksDir, name), 'utf8')), before);
  });

  it('stops on a malformed region with the notebook, the cell and the line, and exit status 1', () => {
    const dir = path.join(workDir, 'broken');
    fs.mkdirSync(dir);
    const cells = [codeCell('const a = 1;'), codeCell(lines('function f() {', '  // BEGIN SOLUTION', '  return 1;', '}'), solution('f'))];
    cells[1].id = 'bad-cell';
    fs.writeFileSync(path.join(dir, '05-broken.ipynb'), notebookText(notebookOf(cells)));
    const run = spawnSync(process.execPath, [script, '--notebooks', dir, '--out', path.join(workDir, 'broken-out')],
      { encoding: 'utf8', cwd: workDir });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^broken\/05-broken\.ipynb: cell 2 \(id bad-cell\), line 2: the region opened here has no END SOLUTION/);
  });
});
