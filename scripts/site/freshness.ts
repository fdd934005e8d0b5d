/**
 * Which executed notebooks the site can be built from as they are, and which must run first: a
 * notebook is stale when its executed copy is missing, older than the notebook itself, or was run
 * in the other mode (quick or full, read from what its first code cell printed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { courseSettings } from '../../lib/settings';
import { cellOutputText, readCells } from '../jupyter/notebook-runner';

export type Mode = 'quick' | 'full';

/**
 * The mode a notebook ran in, from its first code cell's printed settings: the trajectories
 * notebook prints `quick: true|false`, the training notebooks the settings object (epochs and
 * samples, compared with the course's quick and full settings). Undefined when it says neither.
 */
export function modeOfRun(executed: string): Mode | undefined {
  const first = readCells(executed).find((cell) => cell.cell_type === 'code');
  const printed = first ? cellOutputText(first) : '';
  const flag = /\bquick: (true|false)\b/.exec(printed);
  if (flag) return flag[1] === 'true' ? 'quick' : 'full';
  const number = (key: string) => Number(new RegExp(`\\b${key}: (\\d+)`).exec(printed)?.[1]);
  const ran = { epochs: number('epochs'), trainSamples: number('trainSamples') };
  for (const mode of ['quick', 'full'] as const) {
    const settings = courseSettings({ DESCENT_LAB_QUICK: mode === 'quick' ? '1' : '0' });
    if (ran.epochs === settings.epochs && ran.trainSamples === settings.trainSamples) return mode;
  }
  return undefined;
}

/** Why `notebook`'s executed copy in `executedDir` cannot be used as it is, or undefined when it can. */
export function staleReason(notebook: string, executedDir: string, mode: Mode): string | undefined {
  const executed = path.join(executedDir, path.basename(notebook));
  if (!fs.existsSync(executed)) return 'not run yet';
  if (fs.statSync(executed).mtimeMs < fs.statSync(notebook).mtimeMs) return 'the notebook changed since it ran';
  const ran = modeOfRun(executed);
  if (ran && ran !== mode) return `it ran in ${ran} mode`;
  return undefined;
}
