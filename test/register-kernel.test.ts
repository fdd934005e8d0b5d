/** The kernel spec that lets Jupyter start the project's own tslab, and the search for Jupyter's Python. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { kernelName, kernelSpec, registerKernel } from '../scripts/register-kernel';
import { tslabKernelLauncher } from '../scripts/jupyter/paths';
import { findJupyterPython } from '../scripts/jupyter/python';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-jupyter-data-'));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('registerKernel', () => {
  it("starts the project's tslab with this node, no global install or PATH lookup", () => {
    const { argv, language } = kernelSpec();
    assert.deepEqual(argv, [process.execPath, tslabKernelLauncher, 'kernel', '--config-path', '{connection_file}']);
    assert.ok(path.isAbsolute(argv[0]) && path.isAbsolute(argv[1]));
    assert.ok(fs.existsSync(argv[1]), 'tslab is installed where the spec points');
    assert.equal(language, 'typescript');
  });

  it('writes kernels/descent-lab-tslab/kernel.json, and leaves it alone the second time', () => {
    const first = registerKernel(dataDir);
    assert.equal(first.dir, path.join(dataDir, 'kernels', kernelName));
    assert.equal(first.changed, true);
    const file = path.join(first.dir, 'kernel.json');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), kernelSpec());
    const second = registerKernel(dataDir);
    assert.equal(second.changed, false);
  });

  it('rewrites a stale spec, e.g. one left by a checkout elsewhere', () => {
    const file = path.join(dataDir, 'kernels', kernelName, 'kernel.json');
    fs.writeFileSync(file, JSON.stringify({ ...kernelSpec(), argv: ['/old/node', '/old/tslab', 'kernel'] }));
    assert.equal(registerKernel(dataDir).changed, true);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), kernelSpec());
  });
});

describe('findJupyterPython', () => {
  it('skips a Python that cannot import nbclient and nbconvert', () => {
    const saved = process.env.DESCENT_LAB_PYTHON;
    process.env.DESCENT_LAB_PYTHON = '/bin/false';
    try {
      assert.equal(findJupyterPython(), undefined);
    } finally {
      if (saved === undefined) delete process.env.DESCENT_LAB_PYTHON;
      else process.env.DESCENT_LAB_PYTHON = saved;
    }
  });
});
