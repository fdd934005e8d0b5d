/**
 * A notebook's global declarations are Node's, not those of every @types package the install holds
 * (scripts/kernel/node-globals-only.js), through real Jupyter (nbclient) and the real kernel, in a
 * folder under /tmp that has a node_modules/@types of its own.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registerKernel } from '../scripts/register-kernel';
import { executeNotebook } from '../scripts/jupyter/notebook-runner';
import { outputsOf, writeNotebook } from './support/scratch-notebook';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-global-types-'));
const jupyterPath = path.join(scratch, 'jupyter');
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
before(() => registerKernel(jupyterPath));

describe("a notebook's global declarations", () => {
  it("are Node's and the notebook folder's own; the install's other @types still come with an import", async () => {
    const folder = path.join(scratch, 'course');
    // The folder's own global type package, as a student or instructor might add one.
    const own = path.join(folder, 'node_modules', '@types', 'course-globals');
    fs.mkdirSync(own, { recursive: true });
    fs.writeFileSync(path.join(own, 'package.json'), JSON.stringify({ name: '@types/course-globals', version: '1.0.0', types: 'index.d.ts' }));
    fs.writeFileSync(path.join(own, 'index.d.ts'), 'declare type CourseScore = number;\n');
    const notebook = writeNotebook(folder, 'globals', [
      // @types/jsdom (in the install for jsdom) brings the browser's DOM, which a Node kernel lacks.
      'const title: string = document.title;',
      "const fromNode: string = process.versions.node;\nconsole.log('node', typeof fromNode);",
      "import * as d3 from 'd3';\nconst total: number = d3.sum([1, 2, 3]);\nconsole.log('d3 sum', total);",
      "const wrong: string = d3.sum([1, 2, 3]);",
      "const score: CourseScore = 9;\nconsole.log('own global type', score);",
    ]);
    const result = await executeNotebook(notebook, {
      outDir: path.join(folder, 'out'), html: false, allowErrors: true, onOutput: () => {},
      env: { JUPYTER_PATH: jupyterPath },
    });
    assert.ok(result.ok, result.failure);
    const [dom, node, d3, d3Wrong, ownGlobal] = outputsOf(result.executedPath);
    assert.match(dom, /^TSError: .*Cannot find name 'document'/, 'the DOM is not declared, so the mistake shows at type-check time');
    assert.equal(node, 'node string\n');
    assert.equal(d3, 'd3 sum 6\n', '@types/d3 found by the import');
    assert.match(d3Wrong, /^TSError: .*'number' is not assignable to type 'string'/, "d3's real types, not any");
    assert.equal(ownGlobal, 'own global type 9\n');
  });
});
