/**
 * Registers a Jupyter kernel spec, `descent-lab-tslab`, that starts the project's own tslab
 * (node_modules/tslab, run by the same node binary as this script), so the notebooks need neither a
 * global `npm install -g tslab` nor PATH changes. The notebooks' metadata names this kernel.
 *
 * The spec goes to the user's Jupyter data folder (what `jupyter --data-dir` prints, usually
 * ~/.local/share/jupyter/kernels/descent-lab-tslab), where every Jupyter of this user finds it.
 * Registering again is harmless: the file is rewritten only when it would change (for example
 * after moving the checkout or switching node versions).
 *
 * Usage: node build/scripts/register-kernel.js
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tslabBin, tslabKernelLauncher } from './jupyter/paths';
import { findJupyterPython } from './jupyter/python';

/** The kernel spec name the course notebooks' metadata asks for. */
export const kernelName = 'descent-lab-tslab';

/** What `jupyter kernelspec list` and the notebook UI show. */
export const kernelDisplayName = 'TypeScript (Descent Lab tslab)';

/** A kernel.json's contents. */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  /** Environment Jupyter adds for the kernel (the system install's shared cache folder). */
  env?: Record<string, string>;
}

/**
 * The kernel.json contents: Jupyter substitutes `{connection_file}` when it starts the kernel.
 * `launcher` defaults to this checkout's; the system install (scripts/install/) passes its prefix's.
 */
export function kernelSpec(launcher = tslabKernelLauncher, env?: Record<string, string>): KernelSpec {
  return {
    argv: [process.execPath, launcher, 'kernel', '--config-path', '{connection_file}'],
    display_name: kernelDisplayName,
    language: 'typescript',
    ...(env && Object.keys(env).length > 0 ? { env } : {}),
  };
}

/** Jupyter's per-user data folder, asked of Jupyter itself when a Python with it is at hand. */
export function jupyterDataDir(python = findJupyterPython()): string {
  if (python) {
    const asked = spawnSync(python, ['-c', 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())'], {
      encoding: 'utf8',
    });
    if (asked.status === 0 && asked.stdout.trim()) return asked.stdout.trim();
  }
  // jupyter_core's rule on Linux, for machines without Jupyter yet.
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  const dataHome = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'jupyter');
}

/** Writes the kernel spec if it is missing or differs; returns its folder and whether it changed. */
export function registerKernel(dataDir = jupyterDataDir()): { dir: string; changed: boolean } {
  if (!fs.existsSync(tslabBin)) {
    throw new Error(`tslab is not installed at ${tslabBin}; run \`npm install\` first.`);
  }
  const dir = path.join(dataDir, 'kernels', kernelName);
  const file = path.join(dir, 'kernel.json');
  const wanted = JSON.stringify(kernelSpec(), null, 2) + '\n';
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current === wanted) return { dir, changed: false };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, wanted);
  return { dir, changed: true };
}

if (require.main === module) {
  const { dir, changed } = registerKernel();
  console.log(`${changed ? 'registered' : 'up to date:'} Jupyter kernel '${kernelName}' in ${dir}`);
}
