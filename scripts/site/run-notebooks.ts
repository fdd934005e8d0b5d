/**
 * Runs the notebooks the site needs and does not have, exactly as `npm start` runs them (the same
 * script, so the site shows what a course run makes): all of them, trained up front on every core,
 * when none can be used; otherwise only the stale ones.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../jupyter/paths';
import { Mode, staleReason } from './freshness';

export function runStaleNotebooks(notebooks: string[], options: { notebooksDir: string; executedDir: string; mode: Mode }): void {
  const stale = notebooks.flatMap((notebook) => {
    const reason = staleReason(notebook, options.executedDir, options.mode);
    return reason ? [{ name: path.basename(notebook, '.ipynb'), reason }] : [];
  });
  if (stale.length === 0) return;
  console.log(`Running ${stale.map(({ name, reason }) => `${name} (${reason})`).join(', ')} first, as npm start does.`);
  const only = stale.length === notebooks.length ? [] : stale.map(({ name }) => name);
  const run = spawnSync(process.execPath, [
    path.join(projectRoot, 'build', 'scripts', 'run-notebooks.js'),
    options.mode === 'quick' ? '--quick' : '--full',
    '--out', options.executedDir,
    '--notebooks', options.notebooksDir,
    ...only,
  ], { stdio: 'inherit', env: { ...process.env, DESCENT_LAB_QUICK: options.mode === 'quick' ? '1' : '0' } });
  if (run.status !== 0) {
    throw new Error(`The notebooks did not run (exit ${run.status}); the site is built from executed notebooks. ` +
      'Fix the failure above, then run npm run site again.');
  }
}
