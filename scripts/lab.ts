/**
 * `npm run lab`: opens the course notebooks in JupyterLab (or the classic Notebook when JupyterLab
 * is not installed), on notebooks/, listening on localhost only, with the project's tslab kernel
 * registered first. Extra arguments go to Jupyter, e.g. `npm run lab -- --no-browser --port 8890`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { prepareJupyter } from './jupyter/notebook-runner';
import { notebooksDir } from './jupyter/paths';

function hasModule(python: string, module: string): boolean {
  return spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

const python = prepareJupyter();
const app = hasModule(python, 'jupyterlab') ? 'jupyterlab' : 'notebook';
if (!hasModule(python, app)) {
  console.error('Neither JupyterLab nor the classic Notebook is installed: pip install jupyterlab');
  process.exit(1);
}
console.log(`Starting ${app === 'jupyterlab' ? 'JupyterLab' : 'the classic Jupyter Notebook'} on ${notebooksDir}`);
// Jupyter refuses to start as root unless told; containers and CI machines often run as root.
const asRoot = process.getuid?.() === 0 ? ['--allow-root'] : [];
const args = ['-m', app, `--notebook-dir=${notebooksDir}`, '--ip=localhost', ...asRoot, ...process.argv.slice(2)];
const jupyter = spawn(python, args, {
  stdio: 'inherit',
});
// Ctrl-C in a terminal reaches Jupyter directly (same process group); a plain kill of this process
// is passed on, so no server outlives it.
for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => jupyter.kill(signal));
process.on('SIGINT', () => undefined);
jupyter.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
