/**
 * Where the notebook machinery's files live. Everything is resolved from the project root, found by
 * walking up from this compiled file (build/scripts/jupyter/) to the package.json named descent-lab,
 * so the scripts work from any working directory and in any clone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'descent-lab') {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`No descent-lab package.json above ${start}; run the scripts from a Descent Lab checkout.`);
    }
  }
}

/** The checkout's root folder (the one holding package.json). */
export const projectRoot = findProjectRoot(__dirname);

/** The committed course notebooks, in course order. */
export const notebooksDir = path.join(projectRoot, 'notebooks');

/** Where executed notebooks and their HTML exports go by default. */
export const defaultOutDir = path.join(projectRoot, 'out');

/** The Python driver that executes one notebook through nbclient (kept in the source tree). */
export const runNotebookPy = path.join(projectRoot, 'scripts', 'jupyter', 'run_notebook.py');

/** The folder holding the `descent-lab-offline` nbconvert template. */
export const templatesDir = path.join(projectRoot, 'scripts', 'jupyter', 'templates');

/** The folder holding MathJax 3's single-file bundle, which the template inlines. */
export const mathjaxDir = path.join(projectRoot, 'node_modules', 'mathjax', 'es5');

/** tslab's command-line entry point, from the project's own node_modules (no global install). */
export const tslabBin = path.join(projectRoot, 'node_modules', 'tslab', 'bin', 'tslab');

/** What the kernel spec runs: tslab, started with its output publisher fixed (see the script). */
export const tslabKernelLauncher = path.join(projectRoot, 'scripts', 'tslab-kernel.js');

/** The numbered notebooks (`01-....ipynb`) of `dir`, in the order a course run executes them. */
export function courseNotebooks(dir = notebooksDir): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d\d-.*\.ipynb$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * The order a reader takes the notebooks in, by name, where it differs from file order: each one
 * builds on those before it (the trajectories and landscape notebooks reuse notebook 1's update
 * rules). A name with no notebook is skipped; a numbered notebook not listed comes after these, in
 * file order. The course website's sidebar, index and previous/next links follow it.
 */
export const readingOrder: readonly string[] = [
  '01-optimizers',
  '05-landscape',
  '04-trajectories',
  '02-learning-rate-schedules',
  '03-regularization',
];

/** The numbered notebooks of `dir` in reading order (see `readingOrder`). */
export function notebooksInReadingOrder(dir = notebooksDir): string[] {
  const files = courseNotebooks(dir);
  const rank = (file: string) => {
    const at = readingOrder.indexOf(path.basename(file, '.ipynb'));
    return at === -1 ? readingOrder.length : at;
  };
  // Array.prototype.sort is stable: unlisted notebooks keep their file order after the listed ones.
  return files.sort((a, b) => rank(a) - rank(b));
}
