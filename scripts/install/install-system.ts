/**
 * scripts/install/: Descent Lab for every user of a machine (a JupyterHub, a lab's server).
 *
 * `npm run install-system [-- --prefix P] [--kernels-dir D] [--cache-dir C]` (as root) puts the
 * built library, its run-time node_modules, the kernel launcher, the notebooks and their student
 * editions into a new release under P (default /opt/descent-lab; layout in layout.ts), readable by
 * all, switches P/current to it in one rename, and writes the kernel spec `descent-lab-tslab` into
 * Jupyter's system-wide kernels folder (D; default /usr/local/share/jupyter/kernels). With
 * `--cache-dir C` the spec sets DESCENT_LAB_CACHE_DIR=C, the class's shared results cache.
 * Running it again upgrades in place: the new release is built beside the old one, then swapped in;
 * options not given again are taken from the previous install. `uninstall-system.ts` removes it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kernelName, kernelSpec } from '../register-kernel';
import { projectRoot } from '../jupyter/paths';
import { writeStudentEdition } from '../student/student-edition';
import {
  currentLink, defaultPrefix, installedLauncher, readRecord, recordFile, releasesDir, writeFileAtomic, type InstallRecord,
} from './layout';
import { copyTree } from './copy-tree';
import { makeWorldReadable, notReachableByAll } from './permissions';
import { runtimePackages } from './runtime-packages';
import { systemKernelsDir } from './system-kernels';

export interface InstallOptions {
  prefix?: string;
  /** The kernels folder to write the spec into (tests use a temporary one). */
  kernelsDir?: string;
  cacheDir?: string;
  /** The checkout to install from (default: this one). */
  from?: string;
  /** Where progress lines go. */
  log?: (line: string) => void;
}

/** The files of a checkout that a release holds, besides node_modules and the student editions. */
const RELEASE_FILES = ['package.json', 'README.md', 'build/lib', 'scripts/tslab-kernel.js', 'scripts/kernel', 'notebooks'];

/**
 * The packages' source maps (218 MB of their 514 MB) stay out of a release: Node reads them only
 * with --enable-source-maps, and the kernel maps cell lines itself. The library's own are kept.
 */
const isPackageSourceMap = (file: string) => file.endsWith('.map');

/** How many releases to keep: the current one and the one before it (kernels still running on it). */
const KEPT_RELEASES = 2;

function releaseName(version: string, now: Date): string {
  return `${version}-${now.toISOString().replace(/[-:.]/g, '').replace('T', '-').replace('Z', '')}`;
}

/** Builds a release folder under `staging` from the checkout `from`, sharing unchanged files with `previous`. */
function buildRelease(from: string, staging: string, previous: string | undefined, log: (line: string) => void): void {
  if (!fs.existsSync(path.join(from, 'build', 'lib', 'index.js'))) {
    throw new Error(`${from}/build/lib is missing: run \`npm run build\` there first (npm run install-system does).`);
  }
  const packages = runtimePackages(from);
  const count = { copied: 0, linked: 0 };
  for (const file of RELEASE_FILES) {
    fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
    copyTree(path.join(from, file), path.join(staging, file), previous && path.join(previous, file), () => false, count);
  }
  for (const pkg of packages) {
    fs.mkdirSync(path.dirname(path.join(staging, pkg)), { recursive: true });
    copyTree(path.join(from, pkg), path.join(staging, pkg), previous && path.join(previous, pkg), isPackageSourceMap, count);
  }
  // The library itself, by name, for the release's own resolution (as scripts/link-self.js does in a checkout).
  fs.symlinkSync('..', path.join(staging, 'node_modules', 'descent-lab'), 'dir');
  const notebooks = fs.readdirSync(path.join(from, 'notebooks')).filter((name) => name.endsWith('.ipynb')).sort();
  for (const name of notebooks) writeStudentEdition(path.join(staging, 'notebooks', name), path.join(staging, 'student'), name);
  log(`built the release: library, ${packages.length} run-time packages, ${notebooks.length} notebooks and their student editions `
    + `(${count.copied} files copied, ${count.linked} unchanged ones shared with the previous release)`);
}

/** Points `<prefix>/current` at `release` in one rename. */
function switchCurrent(prefix: string, release: string): void {
  const temporary = path.join(prefix, `.current.${process.pid}`);
  fs.rmSync(temporary, { force: true });
  fs.symlinkSync(path.join('releases', release), temporary, 'dir');
  fs.renameSync(temporary, currentLink(prefix));
}

/** Removes all releases but the newest KEPT_RELEASES (names sort by time), never the current one. */
function pruneReleases(prefix: string, current: string): string[] {
  const releases = fs.readdirSync(releasesDir(prefix)).filter((name) => !name.startsWith('.')).sort();
  const removed = releases.slice(0, Math.max(0, releases.length - KEPT_RELEASES)).filter((name) => name !== current);
  for (const name of removed) fs.rmSync(path.join(releasesDir(prefix), name), { recursive: true, force: true });
  return removed;
}

/** Refuses a prefix that holds something other than a Descent Lab install. */
function checkPrefix(prefix: string): InstallRecord | undefined {
  const previous = readRecord(prefix);
  if (!previous && fs.existsSync(prefix) && fs.readdirSync(prefix).length > 0) {
    throw new Error(`${prefix} is not empty and holds no Descent Lab install (${recordFile(prefix)}); `
      + 'choose an empty or new folder with --prefix.');
  }
  try {
    fs.mkdirSync(releasesDir(prefix), { recursive: true, mode: 0o755 });
    fs.accessSync(prefix, fs.constants.W_OK);
  } catch (error) {
    throw new Error(`Cannot write ${prefix} (${(error as NodeJS.ErrnoException).code}): run as root `
      + '(sudo npm run install-system) or choose a folder of yours with --prefix.');
  }
  return previous;
}

/** Installs (or upgrades) Descent Lab under the prefix and registers its system-wide kernel; returns the record. */
export function installSystem(options: InstallOptions = {}): InstallRecord {
  const log = options.log ?? ((line: string) => console.log(line));
  const prefix = path.resolve(options.prefix ?? defaultPrefix);
  const from = options.from ?? projectRoot;
  const previous = checkPrefix(prefix);
  const kernelsDir = path.resolve(options.kernelsDir ?? (previous ? path.dirname(previous.kernelSpecDir) : systemKernelsDir()));
  const cacheDir = options.cacheDir ? path.resolve(options.cacheDir) : previous?.cacheDir;
  const { version } = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8')) as { version: string };

  const release = releaseName(version, new Date());
  const staging = path.join(releasesDir(prefix), `.staging-${release}`);
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    buildRelease(from, staging, previous && path.join(releasesDir(prefix), previous.release), log);
    makeWorldReadable(staging);
    fs.renameSync(staging, path.join(releasesDir(prefix), release));
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  fs.chmodSync(prefix, 0o755);
  fs.chmodSync(releasesDir(prefix), 0o755);
  switchCurrent(prefix, release);

  const kernelSpecDir = path.join(kernelsDir, kernelName);
  fs.mkdirSync(kernelSpecDir, { recursive: true, mode: 0o755 });
  const spec = kernelSpec(installedLauncher(prefix), cacheDir ? { DESCENT_LAB_CACHE_DIR: cacheDir } : undefined);
  writeFileAtomic(path.join(kernelSpecDir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');

  const record: InstallRecord = { name: 'descent-lab', version, release, kernelSpecDir, cacheDir, installedAt: new Date().toISOString() };
  writeFileAtomic(recordFile(prefix), JSON.stringify(record, null, 2) + '\n');
  const removed = pruneReleases(prefix, release);

  log(`${previous ? `upgraded ${previous.release} ->` : 'installed'} ${release} in ${prefix}`
    + (removed.length ? ` (removed old release${removed.length > 1 ? 's' : ''} ${removed.join(', ')})` : ''));
  log(`kernel '${kernelName}' for every user: ${kernelSpecDir}`);
  if (cacheDir) log(`shared results cache: ${cacheDir} (DESCENT_LAB_CACHE_DIR in the kernel spec)`);
  const blocked = notReachableByAll(process.execPath);
  if (blocked) log(`warning: other users cannot reach ${blocked}, so the kernel's node (${process.execPath}) will not start for them; install Node where all can run it (e.g. /usr/bin/node) and run this again with it.`);
  return record;
}

/** Parses `--prefix P --kernels-dir D --cache-dir C` (each optional). */
export function parseInstallArgs(argv: string[]): InstallOptions {
  const names: Record<string, keyof InstallOptions> = { '--prefix': 'prefix', '--kernels-dir': 'kernelsDir', '--cache-dir': 'cacheDir' };
  const options: InstallOptions = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key) throw new Error(`Unknown argument ${argv[i]}; use --prefix P, --kernels-dir D or --cache-dir C.`);
    if (!argv[i + 1]) throw new Error(`${argv[i]} needs a folder, e.g. \`${argv[i]} /opt/descent-lab\`.`);
    (options as Record<string, string>)[key] = argv[i + 1];
  }
  return options;
}

if (require.main === module) {
  try {
    installSystem(parseInstallArgs(process.argv.slice(2)));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
