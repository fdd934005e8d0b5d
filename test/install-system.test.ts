/**
 * `npm run install-system` (scripts/install/): an install into a temporary prefix and Jupyter
 * kernels folder (never the machine's own), used by a real second Unix account that runs a notebook
 * from its own home folder on the system kernel; an upgrade over it; the uninstall.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kernelName } from '../scripts/register-kernel';
import { installSystem } from '../scripts/install/install-system';
import { uninstallSystem } from '../scripts/install/uninstall-system';
import { currentLink, readRecord, releasesDir } from '../scripts/install/layout';
import { writeNotebook } from './support/scratch-notebook';
import { canCreateUsers, createUser, runNotebookAs, type UnixUser } from './support/unix-user';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-install-'));
fs.chmodSync(root, 0o755); // mkdtemp makes it 0700: the other user must reach the prefix inside
const prefix = path.join(root, 'opt', 'descent-lab');
const jupyterPath = path.join(root, 'share', 'jupyter');
const kernelsDir = path.join(jupyterPath, 'kernels');
const sharedCache = path.join(root, 'srv', 'cache');
const quiet = () => {};
let student: UnixUser | undefined;

after(() => {
  student?.remove();
  fs.rmSync(root, { recursive: true, force: true });
});

/** The cells a student runs from their home folder: the library and TensorFlow.js by name, and the spec's cache folder. */
const studentCells = [
  "import * as dl from 'descent-lab';\nimport * as tf from '@tensorflow/tfjs';\n"
  + 'const backend: string = (await dl.initBackend()).name;\n'
  + "console.log('sum', tf.tensor([1, 2, 3]).sum().dataSync()[0], typeof dl.runExperiments, process.env.DESCENT_LAB_CACHE_DIR);",
  "console.log('library from', require.resolve('descent-lab'));",
];

function runAsStudent(): string[] {
  const notebook = writeNotebook(path.join(student!.home, 'course'), 'mine', studentCells);
  student!.own(notebook);
  return runNotebookAs(student!, notebook, jupyterPath, kernelName);
}

describe('npm run install-system', { skip: !canCreateUsers && 'needs root (useradd, runuser)' }, () => {
  before(() => {
    student = createUser('dlinst');
  });

  it('installs for every user: another account runs a notebook from its home folder on the system kernel', () => {
    const record = installSystem({ prefix, kernelsDir, cacheDir: sharedCache, log: quiet });
    const spec = JSON.parse(fs.readFileSync(path.join(kernelsDir, kernelName, 'kernel.json'), 'utf8'));
    assert.equal(spec.argv[1], path.join(prefix, 'current', 'scripts', 'tslab-kernel.js'));
    assert.deepEqual(spec.env, { DESCENT_LAB_CACHE_DIR: sharedCache });
    assert.equal(fs.readlinkSync(currentLink(prefix)), path.join('releases', record.release));

    const [imported, resolved] = runAsStudent();
    assert.equal(imported, `sum 6 function ${sharedCache}\n`);
    assert.equal(resolved, `library from ${path.join(prefix, 'releases', record.release, 'build', 'lib', 'index.js')}\n`);
    const studentEdition = path.join(prefix, 'current', 'student', '01-optimizers.ipynb');
    assert.equal(student!.run('/usr/bin/test', ['-r', studentEdition]).status, 0, 'the student can read the student editions');
  });

  it('upgrades in place: the new release is swapped in, one previous kept, unchanged files shared, and it runs', () => {
    const first = readRecord(prefix)!;
    const second = installSystem({ prefix, log: quiet });
    assert.notEqual(second.release, first.release);
    assert.equal(second.cacheDir, sharedCache, 'options not given again come from the previous install');
    assert.deepEqual(fs.readdirSync(releasesDir(prefix)).sort(), [first.release, second.release].sort());
    const packageFile = (release: string) => fs.statSync(path.join(releasesDir(prefix), release, 'node_modules', '@tensorflow', 'tfjs', 'package.json'));
    assert.equal(packageFile(second.release).ino, packageFile(first.release).ino, 'an unchanged file is a hard link, not a copy');

    const [imported, resolved] = runAsStudent();
    assert.equal(imported, `sum 6 function ${sharedCache}\n`);
    assert.match(resolved, new RegExp(`releases/${second.release}/build/lib/index.js`));
  });

  it('refuses a non-empty folder that is not an install, for the install and the uninstall', () => {
    const other = path.join(root, 'somebody-else');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'precious.txt'), 'keep me');
    assert.throws(() => installSystem({ prefix: other, kernelsDir, log: quiet }), /is not empty and holds no Descent Lab install/);
    assert.throws(() => uninstallSystem(other, quiet), /holds no Descent Lab install/);
    assert.equal(fs.readFileSync(path.join(other, 'precious.txt'), 'utf8'), 'keep me');
  });

  it('uninstalls: the prefix and the kernel spec go, the shared cache stays', () => {
    fs.mkdirSync(sharedCache, { recursive: true });
    uninstallSystem(prefix, quiet);
    assert.equal(fs.existsSync(prefix), false);
    assert.equal(fs.existsSync(path.join(kernelsDir, kernelName)), false);
    assert.equal(fs.existsSync(sharedCache), true);
  });
});
