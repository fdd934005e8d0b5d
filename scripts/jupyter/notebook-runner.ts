/**
 * Executes notebooks headless through Jupyter's own machinery (nbclient, via run_notebook.py) with
 * the project's tslab kernel, and exports each to self-contained HTML. `npm start` and the notebook
 * tests both go through here, so what the tests check is what a course run does.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kernelName, registerKernel } from '../register-kernel';
import { mathjaxDir, projectRoot, runNotebookPy, templatesDir } from './paths';
import { ensureJupyterPython } from './python';

/** How to run one notebook. */
export interface ExecuteOptions {
  /** Where `<name>.ipynb` (executed) and `<name>.html` go. Created if missing. */
  outDir: string;
  /** The progress-line prefix, e.g. `notebook 1/3 01-optimizers`. Defaults to the notebook's name. */
  label?: string;
  /** Extra environment for the kernel, e.g. `{ DESCENT_LAB_QUICK: '1' }`. Merged over process.env. */
  env?: NodeJS.ProcessEnv;
  /** Whether to export HTML too. Defaults to `true`. */
  html?: boolean;
  /**
   * Run every cell even when one fails (nbclient's `allow_errors`), as nbgrader's autograde does; the
   * errors stay in the cells' outputs and `ok` is still true. Defaults to `false`: stop at the first.
   */
  allowErrors?: boolean;
  /** Where each line of progress and cell output goes. Defaults to this process's stdout. */
  onOutput?: (text: string) => void;
}

/** What came of running one notebook. */
export interface ExecuteResult {
  /** True when every cell ran without error (or, with `allowErrors`, ran at all) and the outputs were written. */
  ok: boolean;
  /** On failure: `notebook <file>: cell <i>/<n> (`<first line>`) failed: <Error>: <message>`. */
  failure?: string;
  /** The executed notebook (on failure, the partial one: `<name>.failed.ipynb`). */
  executedPath: string;
  /** The HTML export, when one was written. */
  htmlPath?: string;
  /** Wall time, in seconds. */
  seconds: number;
}

const failureMarker = 'DESCENT_LAB_CELL_FAILED ';

let prepared: string | undefined;

/**
 * Finds (or installs) Jupyter, registers the kernel and makes sure `import ... from 'descent-lab'`
 * resolves (scripts/link-self.js, which `npm run build` also runs), once per process; returns the Python.
 */
export function prepareJupyter(): string {
  if (!prepared) {
    prepared = ensureJupyterPython();
    registerKernel();
    require(path.join(projectRoot, 'scripts', 'link-self.js'));
  }
  return prepared;
}

/** Runs every cell of `notebook` in a fresh tslab kernel, streaming progress and cell output. */
export function executeNotebook(notebook: string, options: ExecuteOptions): Promise<ExecuteResult> {
  const python = prepareJupyter();
  const name = path.basename(notebook, '.ipynb');
  const write = options.onOutput ?? ((text: string) => process.stdout.write(text));
  const args = [
    runNotebookPy,
    notebook,
    '--out-dir', options.outDir,
    '--kernel', kernelName,
    '--label', options.label ?? name,
    '--template-dir', templatesDir,
    '--include-dir', mathjaxDir,
    ...(options.html === false ? ['--no-html'] : []),
    ...(options.allowErrors ? ['--allow-errors'] : []),
  ];
  const started = process.hrtime.bigint();
  const child = spawn(python, args, {
    cwd: projectRoot,
    // PYDEVD_DISABLE_FILE_VALIDATION silences debugpy's frozen-modules warning that ipykernel prints.
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let failure: string | undefined;
  let stderrTail = '';
  child.stdout.setEncoding('utf8').on('data', write);
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.split('\n')) {
      if (line.startsWith(failureMarker)) failure = line.slice(failureMarker.length);
    }
    stderrTail = (stderrTail + text).slice(-4000);
    if (!text.includes(failureMarker)) write(text);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) {
        const htmlPath = options.html === false ? undefined : path.join(options.outDir, `${name}.html`);
        resolve({ ok: true, executedPath: path.join(options.outDir, `${name}.ipynb`), htmlPath, seconds });
      } else {
        resolve({
          ok: false,
          failure: failure ?? `notebook ${name}.ipynb: the Jupyter run exited with code ${code}:\n${stderrTail}`,
          executedPath: path.join(options.outDir, `${name}.failed.ipynb`),
          seconds,
        });
      }
    });
  });
}

/** A notebook's cells as nbformat 4 stores them (only the fields the runner and tests read). */
export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  outputs?: { output_type: string; data?: Record<string, unknown>; text?: string | string[]; ename?: string; evalue?: string }[];
  execution_count?: number | null;
}

/** Reads an .ipynb file's cells. */
export function readCells(file: string): NotebookCell[] {
  return JSON.parse(fs.readFileSync(file, 'utf8')).cells;
}

/** A cell's source as one string (nbformat may store it as a list of lines). */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/**
 * The text a reader sees in a cell's outputs, in order: what it printed (its streams) and each
 * error it raised as an `ename: evalue` line (the kernel sends a failure as an error output).
 */
export function cellOutputText(cell: NotebookCell): string {
  return (cell.outputs ?? []).map(({ text = '', ename, evalue }) => {
    if (ename !== undefined) return `${ename}: ${evalue}\n`;
    return Array.isArray(text) ? text.join('') : text;
  }).join('');
}
