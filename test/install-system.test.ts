/**
 * `npm run install-system` (scripts/install/): an install into a temporary prefix and Jupyter
 * kernels folder (never the machine's own), used by a real second Unix account that runs a notebook
 * from its own home folder on the system kernel; an upgrade over it; the uninstall.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kernelName } from '../scripts/register-kernel';
import { installSystem } from '../scripts/install/install-system';
import { uninstallSystem } from '../scripts/install/uninstall-system';
import { currentLink, readRecord, releasesDir } from '../scripts/install/layout';
import { notReachableByAll } from '../scripts/install/permissions';
import { writeNotebook } from './support/scratch-notebook';
import { canCreateUsers, createUser, runNotebookAs, type UnixUser } from './support/unix-user';

/**
 * A release is ~300 MB in ~11,000 files: in memory (/dev/shm) when it has room, which spares a
 * shared machine's disk the writes and deletes (the same code runs either way).
 */
function scratchParent(): string {
  try {
    const { bavail, bsize } = fs.statfsSync('/dev/shm');
    if (bavail * bsize > 4 * 2 ** 30) return '/dev/shm';
  } catch {
    // no /dev/shm
  }
  return os.tmpdir();
}

const root = fs.mkdtempSync(path.join(scratchParent(), 'descent-lab-install-'));
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

/** The environment of the sweeps below: the shared cache, one backend for instructor and student (the key holds it). */
const sweepEnv = { DESCENT_LAB_CACHE_DIR: sharedCache, DESCENT_LAB_BACKEND: 'wasm' };

/** A node script that runs a tiny sweep of `labels` (optimizer = label) with the installed library. */
function sweepScript(labels: string[]): string {
  const specs = labels.map((label) => ({ label, optimizer: label }));
  return `require(${JSON.stringify(path.join(prefix, 'current'))}).runExperiments(${JSON.stringify(specs)}, `
    + '{ epochs: 1, trainSamples: 300, testSamples: 100, parallel: 1, liveChart: false })'
    + '.catch((error) => { console.error(error); process.exit(1); });';
}

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
    const modules = path.join(prefix, 'current', 'node_modules');
    assert.ok(fs.existsSync(path.join(modules, 'tslab')) && fs.existsSync(path.join(modules, '@tensorflow', 'tfjs')), 'run-time packages');
    assert.ok(!fs.existsSync(path.join(modules, 'typescript')) && !fs.existsSync(path.join(modules, 'playwright-core')), 'no dev packages');

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

  it('shares a read-only results cache: the student replays the instructor\'s runs and stores new ones in their own cache', () => {
    // The instructor (root) trains one run into the shared cache with the installed library, as `npm start` would.
    const instructor = spawnSync(process.execPath, ['-e', sweepScript(['SGD'])], { encoding: 'utf8', env: { ...process.env, ...sweepEnv } });
    assert.equal(instructor.status, 0, instructor.stderr);
    assert.equal(fs.readdirSync(sharedCache).length, 1);
    fs.chmodSync(sharedCache, 0o755); // readable by all, writable by the instructor only

    const ownCache = path.join(student!.home, '.cache', 'descent-lab', 'experiments');
    const replay = student!.run(process.execPath, ['-e', sweepScript(['SGD', 'Adam'])], { env: sweepEnv });
    assert.equal(replay.status, 0, replay.stderr);
    const notices = replay.stdout.split('\n').filter((line) => line.startsWith('results cache:'));
    assert.deepEqual(notices, [`results cache: ${sharedCache} is read-only for you; its runs are read from it, and new runs are stored in ${ownCache}`]);
    assert.match(replay.stdout, /^\[SGD\] 1 epoch\(s\) from the results cache/m, 'the instructor\'s run is replayed');
    assert.doesNotMatch(replay.stdout, /^\[Adam\] 1 epoch\(s\) from the results cache/m, 'the new run is trained');
    assert.equal(fs.readdirSync(sharedCache).length, 1, 'the shared cache is left as it was');
    assert.equal(fs.readdirSync(ownCache).length, 1, 'the new run is in the student\'s own cache');

    // A cache folder the student cannot read at all: the run is trained, not failed, and one line says so.
    const privateCache = path.join(root, 'srv', 'private');
    fs.cpSync(sharedCache, privateCache, { recursive: true });
    fs.chmodSync(privateCache, 0o700);
    const unreadable = student!.run(process.execPath, ['-e', sweepScript(['SGD'])], { env: { ...sweepEnv, DESCENT_LAB_CACHE_DIR: privateCache } });
    assert.equal(unreadable.status, 0, unreadable.stderr);
    assert.deepEqual(unreadable.stdout.split('\n').filter((line) => line.startsWith('results cache:')),
      [`results cache: ${privateCache} cannot be read by you; new runs are stored in ${ownCache}`]);
    assert.equal(fs.readdirSync(ownCache).length, 2);
  });

  it('warns of a node that other users cannot reach', () => {
    assert.equal(notReachableByAll('/usr/bin/env'), undefined);
    const privateDir = path.join(root, 'private');
    fs.mkdirSync(privateDir, { mode: 0o700 });
    fs.writeFileSync(path.join(privateDir, 'node'), '', { mode: 0o755 });
    assert.equal(notReachableByAll(path.join(privateDir, 'node')), privateDir);
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
    uninstallSystem(prefix, quiet);
    assert.equal(fs.existsSync(prefix), false);
    assert.equal(fs.existsSync(path.join(kernelsDir, kernelName)), false);
    assert.equal(fs.existsSync(sharedCache), true);
  });
});
