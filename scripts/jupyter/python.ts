/**
 * Finds the Python that has Jupyter's execution machinery (nbclient, nbconvert, jupyter_client),
 * and installs it with apt on Debian when it is missing and we may.
 *
 * The `python3` first on PATH is not always the one Jupyter was installed into (pyenv, conda and
 * virtualenv shims shadow the system one), so each candidate is asked to import the modules.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/** The Debian packages that bring Jupyter, nbconvert, nbclient and a kernel machinery. */
export const debianJupyterPackages = ['jupyter-notebook', 'jupyter-nbconvert', 'python3-nbclient', 'python3-ipykernel'];

/** What to tell a person on a machine where we cannot install Jupyter ourselves. */
export const installHint =
  'Jupyter is needed to run the notebooks. Install it with\n' +
  '  pip install jupyterlab nbclient nbconvert\n' +
  `(on Debian/Ubuntu: sudo apt-get install ${debianJupyterPackages.join(' ')}),\n` +
  'or point DESCENT_LAB_PYTHON at a Python that has nbclient and nbconvert.';

const requiredModules = ['nbclient', 'nbconvert', 'nbformat', 'jupyter_client'];

function candidates(): string[] {
  const fromEnv = process.env.DESCENT_LAB_PYTHON;
  // The system Python first: Debian's Jupyter lives there even when a shim owns `python3`.
  const list = fromEnv ? [fromEnv] : ['/usr/bin/python3', 'python3', 'python'];
  return list.filter((python) => !python.startsWith('/') || fs.existsSync(python));
}

function hasModules(python: string): boolean {
  const probe = spawnSync(python, ['-c', `import ${requiredModules.join(', ')}`], { stdio: 'ignore' });
  return probe.status === 0;
}

/** The first Python that can import nbclient and nbconvert, or undefined. */
export function findJupyterPython(): string | undefined {
  return candidates().find(hasModules);
}

function canInstallWithApt(): boolean {
  return (
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    fs.existsSync('/etc/debian_version') &&
    spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0
  );
}

function aptGet(args: string[]): void {
  console.log(`$ apt-get ${args.join(' ')}`);
  const run = spawnSync('apt-get', args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (run.status !== 0) {
    throw new Error(`apt-get ${args[0]} failed (exit ${run.status}).\n${installHint}`);
  }
}

/**
 * The Python to run notebooks with. When none has Jupyter: as root on Debian, installs Jupyter's
 * Debian packages and tries again; anywhere else, throws an error saying what to install.
 */
export function ensureJupyterPython(): string {
  const found = findJupyterPython();
  if (found) return found;
  if (!canInstallWithApt()) throw new Error(installHint);
  console.log('Jupyter not found; installing it from Debian packages.');
  aptGet(['update']);
  aptGet(['install', '-y', '--no-install-recommends', ...debianJupyterPackages]);
  const installed = findJupyterPython();
  if (!installed) throw new Error(`Jupyter was installed but no Python can import it.\n${installHint}`);
  return installed;
}
