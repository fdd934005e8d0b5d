/** Where Jupyter looks for kernel specs that every user of the machine sees. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { findJupyterPython } from '../jupyter/python';

/**
 * Jupyter's first system-wide data folder's kernels/ (jupyter_core's SYSTEM_JUPYTER_PATH[0]:
 * /usr/local/share/jupyter on Linux), asked of Jupyter itself when a Python with it is at hand.
 */
export function systemKernelsDir(python = findJupyterPython()): string {
  if (python) {
    const asked = spawnSync(python, ['-c', 'from jupyter_core.paths import SYSTEM_JUPYTER_PATH; print(SYSTEM_JUPYTER_PATH[0])'], {
      encoding: 'utf8',
    });
    if (asked.status === 0 && asked.stdout.trim()) return path.join(asked.stdout.trim(), 'kernels');
  }
  return '/usr/local/share/jupyter/kernels';
}
