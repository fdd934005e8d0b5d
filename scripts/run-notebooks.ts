/**
 * `npm start`: executes the course notebooks (01-03, 04-trajectories and 05-landscape) headless, in order, through Jupyter (nbclient)
 * and the project's tslab kernel, and writes each executed notebook and its offline HTML to out/.
 *
 * Usage:
 *   npm start                   the full course: 50 epochs on all 60,000 training images (hours on 2 cores)
 *   npm start -- --quick        a quick look: 2 epochs on 2,000 images (DESCENT_LAB_QUICK=1 does the same)
 *   npm start -- --quick 02     only the notebooks whose file name contains "02"
 *   npm start -- --out DIR      write to DIR instead of out/
 *   npm start -- --no-pretrain  let each notebook train its own runs (by default every course run is
 *                               trained first, on all cores, and the notebooks replay them from the cache)
 *   npm start -- --notebooks DIR   run the numbered notebooks (01-*.ipynb, ...) of DIR instead of notebooks/
 * The notebooks' own first cell reads the other DESCENT_LAB_* variables (epochs, batch size,
 * samples, dataset, seed); they pass through unchanged.
 *
 * Progress shows as `[notebook 2/3 02-learning-rate-schedules] cell 5/21: ...` followed by the cell's
 * output (the training logs) as it arrives. A failing cell stops the run with the notebook, the cell
 * and the error named, and exit status 1; notebooks finished before it stay in the output folder.
 */
import * as path from 'node:path';
import { allCourseExperiments, courseSettings, runExperiments } from '../lib';
import { executeNotebook, prepareJupyter } from './jupyter/notebook-runner';
import { courseNotebooks, defaultOutDir, notebooksDir } from './jupyter/paths';

interface RunOptions {
  quick: boolean;
  outDir: string;
  notebooksDir: string;
  only: string[];
  /** Train every course run up front on all cores; the course notebooks then read the results cache. */
  pretrain: boolean;
}

function parseArgs(argv: string[]): RunOptions {
  const options: RunOptions = {
    quick: process.env.DESCENT_LAB_QUICK === '1',
    outDir: defaultOutDir,
    notebooksDir,
    only: [],
    pretrain: true,
  };
  const folder = (flag: string, value: string | undefined) => {
    if (!value) throw new Error(`${flag} needs a folder, e.g. \`${flag} out/quick\`.`);
    return path.resolve(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-pretrain') options.pretrain = false;
    else if (arg === '--full') options.quick = false;
    else if (arg === '--out') options.outDir = folder(arg, argv[++i]);
    else if (arg === '--notebooks') options.notebooksDir = folder(arg, argv[++i]);
    else if (arg.startsWith('-')) {
      throw new Error(`Unknown option ${arg}; use --quick, --full, --no-pretrain, --out DIR, --notebooks DIR, or part of a notebook name.`);
    } else options.only.push(arg);
  }
  // Pre-training serves the course notebooks; another folder or a single notebook runs as it is.
  if (options.notebooksDir !== notebooksDir || options.only.length > 0) options.pretrain = false;
  return options;
}

function formatSeconds(seconds: number): string {
  return seconds < 90 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const notebooks = courseNotebooks(options.notebooksDir).filter(
    (file) => options.only.length === 0 || options.only.some((part) => path.basename(file).includes(part)),
  );
  if (notebooks.length === 0) {
    throw new Error(`No numbered notebook (01-*.ipynb) in ${options.notebooksDir} matches ${options.only.join(', ') || 'anything'}.`);
  }

  const python = prepareJupyter();
  const env: NodeJS.ProcessEnv = options.quick ? { DESCENT_LAB_QUICK: '1' } : { DESCENT_LAB_QUICK: '0' };
  console.log(
    `Running ${notebooks.length} notebook(s) ${options.quick ? 'in quick mode (DESCENT_LAB_QUICK=1)' : 'with the full course settings'}` +
      ` through Jupyter (${python}); outputs go to ${path.relative(process.cwd(), options.outDir) || '.'}/`,
  );

  const started = Date.now();
  if (options.pretrain) {
    // The notebooks run one after another, and each sweep keeps the cores busy only while it
    // has runs left; training every course run up front keeps all cores busy to the end.
    const settings = courseSettings({ ...process.env, ...env });
    const runs = allCourseExperiments();
    console.log(`\n=== training the course's ${runs.length} runs on every core (results cache) ===`);
    await runExperiments(runs, settings);
    console.log(`=== trained in ${formatSeconds((Date.now() - started) / 1000)}; the notebooks replay them from the cache ===`);
  }
  const done: string[] = [];
  for (const [index, notebook] of notebooks.entries()) {
    const name = path.basename(notebook, '.ipynb');
    const label = `notebook ${index + 1}/${notebooks.length} ${name}`;
    console.log(`\n=== ${label} ===`);
    const result = await executeNotebook(notebook, { outDir: options.outDir, label, env });
    if (!result.ok) {
      console.error(`\nStopped: ${result.failure}`);
      console.error(`The partial run is in ${result.executedPath}.`);
      if (done.length > 0) console.error(`Finished notebooks stay in place: ${done.join(', ')}.`);
      return 1;
    }
    done.push(path.relative(process.cwd(), result.htmlPath ?? result.executedPath));
    console.log(`=== ${label}: done in ${formatSeconds(result.seconds)} ===`);
  }
  console.log(`\nAll ${notebooks.length} notebook(s) ran in ${formatSeconds((Date.now() - started) / 1000)}:`);
  for (const file of done) console.log(`  ${file}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
