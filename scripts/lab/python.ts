/**
 * Finds the Python that can serve the course's JupyterLab: one with jupyter_server and
 * jupyterlab_server (Debian's python3-jupyter-server and python3-jupyterlab-server, or a pip
 * JupyterLab, which brings both). As root on Debian it installs the two packages when missing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

export const debianLabPackages = ['python3-jupyter-server', 'python3-jupyterlab-server'];

const installHint =
  'JupyterLab needs jupyter_server and jupyterlab_server in Python. Install them with\n' +
  `  sudo apt-get install ${debianLabPackages.join(' ')}   (Debian, Ubuntu)\n` +
  '  pip install jupyterlab                                 (anywhere else)\n' +
  'or point DESCENT_LAB_PYTHON at a Python that has them.';

function candidates(): string[] {
  const fromEnv = process.env.DESCENT_LAB_PYTHON;
  const list = fromEnv ? [fromEnv] : ['/usr/bin/python3', 'python3', 'python'];
  return list.filter((python) => !python.startsWith('/') || fs.existsSync(python));
}

const canServe = (python: string) =>
  spawnSync(python, ['-c', 'import jupyter_server, jupyterlab_server'], { stdio: 'ignore' }).status === 0;

/** The Python to run the lab server with; installs the Debian packages first where it may. */
export function ensureLabPython(): string {
  const found = candidates().find(canServe);
  if (found) return found;
  const debianRoot = fs.existsSync('/etc/debian_version') && process.getuid?.() === 0;
  if (!debianRoot) throw new Error(installHint);
  console.log(`$ apt-get install -y ${debianLabPackages.join(' ')}`);
  const run = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...debianLabPackages], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const installed = run.status === 0 ? candidates().find(canServe) : undefined;
  if (!installed) throw new Error(`apt-get could not install ${debianLabPackages.join(' ')}.\n${installHint}`);
  return installed;
}
