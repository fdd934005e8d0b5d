/**
 * A notebook with a deliberately failing cell, run the way `npm start` runs the course: the run
 * stops at that cell, names the notebook, the cell and the error, exits with status 1, and keeps
 * the notebooks that finished before it. A kernel that dies mid-run is reported the same way.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kernelName } from '../scripts/register-kernel';
import { projectRoot } from '../scripts/jupyter/paths';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-failing-'));
const notebooks = path.join(dir, 'notebooks');
const out = path.join(dir, 'out');

function writeNotebook(folder: string, name: string, cells: string[]): void {
  const notebook = {
    cells: cells.map((source, index) => ({
      cell_type: 'code', execution_count: null, id: `cell-${index}`, metadata: {}, outputs: [], source,
    })),
    metadata: { kernelspec: { name: kernelName, display_name: 'TypeScript (Descent Lab tslab)', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(path.join(folder, name), JSON.stringify(notebook));
}

let run: ReturnType<typeof spawnSync>;

before(() => {
  fs.mkdirSync(notebooks);
  writeNotebook(notebooks, '01-fine.ipynb', ["console.log('the first notebook runs');"]);
  writeNotebook(notebooks, '02-broken.ipynb', [
    'const rate = 0.01;',
    "console.log('before the failure');",
    "throw new Error('deliberate failure for the test');\n// a comment",
    "console.log('never printed');",
  ]);
  writeNotebook(notebooks, '03-never.ipynb', ["console.log('never started');"]);
  run = spawnSync(process.execPath, [
    path.join(projectRoot, 'build', 'scripts', 'run-notebooks.js'), '--quick', '--notebooks', notebooks, '--out', out,
  ], { encoding: 'utf8' });
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a notebook run that hits a failing cell', () => {
  it('exits with status 1', () => {
    assert.equal(run.status, 1, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  });

  it('names the notebook, the cell (index and first line) and the error', () => {
    assert.match(String(run.stderr),
      /Stopped: notebook 02-broken\.ipynb: cell 3\/4 \(`throw new Error\('deliberate failure for the test'\);`\) failed: Error: deliberate failure for the test/);
  });

  it('ran the cells before the failing one, and none after it', () => {
    assert.match(String(run.stdout), /before the failure/);
    assert.doesNotMatch(String(run.stdout), /never printed|never started/);
  });

  it('keeps the finished notebook and the partial run, and starts no later notebook', () => {
    assert.deepEqual(fs.readdirSync(out).sort(), ['01-fine.html', '01-fine.ipynb', '02-broken.failed.ipynb']);
  });
});

describe('a notebook run whose kernel dies', () => {
  const deadDir = path.join(dir, 'dying');
  let dead: ReturnType<typeof spawnSync>;

  before(() => {
    fs.mkdirSync(deadDir);
    writeNotebook(deadDir, '01-dying.ipynb', ["console.log('alive');", 'process.exit(3);']);
    dead = spawnSync(process.execPath, [
      path.join(projectRoot, 'build', 'scripts', 'run-notebooks.js'), '--quick', '--notebooks', deadDir, '--out', path.join(deadDir, 'out'),
    ], { encoding: 'utf8' });
  });

  it('stops with status 1 and says the kernel died in which cell', () => {
    assert.equal(dead.status, 1, `stdout:\n${dead.stdout}\nstderr:\n${dead.stderr}`);
    assert.match(String(dead.stderr), /Stopped: notebook 01-dying\.ipynb: cell 2\/2 \(`process\.exit\(3\);`\) failed: the kernel died/);
  });

  it('keeps what the notebook printed before', () => {
    const partial = fs.readFileSync(path.join(deadDir, 'out', '01-dying.failed.ipynb'), 'utf8');
    assert.match(partial, /alive/);
  });
});
