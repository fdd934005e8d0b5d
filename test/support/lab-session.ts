/**
 * The course's real JupyterLab 4 (scripts/lab/) for UI tests: builds the front end if needed and
 * serves `dir` on a free 127.0.0.1 port, with the project's kernel spec in a folder of its own
 * (JUPYTER_PATH, so another checkout's registration cannot interfere) and settings and workspaces
 * in temporary folders (every session starts with JupyterLab's defaults and no tabs open).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureLabBuild } from '../../scripts/lab/bundle';
import { ensureLabPython } from '../../scripts/lab/python';
import { LabServer, startLabServer } from '../../scripts/lab/server';
import { registerKernel } from '../../scripts/register-kernel';
import { freePort } from './free-port';

/**
 * `notary`: 'memory' (default) trusts nothing that this server did not sign itself; 'user' uses the
 * user's signature database, where `npm start` and the notebook runner sign what they execute.
 */
export async function startLabSession(dir: string, env: NodeJS.ProcessEnv, options: { notary?: 'memory' | 'user' } = {}): Promise<LabServer> {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-lab-state-'));
  const jupyterPath = path.join(state, 'jupyter');
  registerKernel(jupyterPath);
  await ensureLabBuild();
  const server = await startLabServer({
    python: ensureLabPython(),
    rootDir: dir,
    port: await freePort(),
    env: { JUPYTER_PATH: jupyterPath, ...env },
    args: [
      `--DescentLabApp.user_settings_dir=${path.join(state, 'user-settings')}`,
      `--DescentLabApp.workspaces_dir=${path.join(state, 'workspaces')}`,
      ...(options.notary === 'user' ? [] : ['--NotebookNotary.db_file=:memory:']),
    ],
    timeoutMs: 120_000,
  });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      fs.rmSync(state, { recursive: true, force: true });
    },
  };
}
