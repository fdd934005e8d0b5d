/**
 * A real classic Notebook 6 server (`python3 -m notebook`, Debian's jupyter-notebook package) on a
 * free localhost port with a random token, serving one folder. The kernel inherits the server's
 * environment, so settings such as DESCENT_LAB_QUICK reach the notebooks through `env`. Notebook
 * signatures are kept in memory, so trust starts empty and ends with the server.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stopJupyterServer } from '../../scripts/lab/server';
import { freePort } from './free-port';

export interface NotebookServer {
  /** `http://127.0.0.1:<port>/<path>?token=...` */
  url(path: string): string;
  /** What the server printed (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

async function ready(base: string, token: string, server: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the notebook server exited (${server.exitCode}):\n${log()}`);
    try {
      const response = await fetch(`${base}/api/status?token=${token}`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the notebook server did not answer within ${timeoutMs / 1000} s:\n${log()}`);
}

export async function startNotebookServer(python: string, dir: string, env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<NotebookServer> {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const asRoot = process.getuid?.() === 0 ? ['--allow-root'] : [];
  const server = spawn(python, [
    '-m', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--notebook-dir=${dir}`, `--NotebookApp.token=${token}`, '--NotebookNotary.db_file=:memory:', ...asRoot,
  ], { cwd: dir, env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (text: string) => (output = (output + text).slice(-20_000));
  server.stdout!.setEncoding('utf8').on('data', keep);
  server.stderr!.setEncoding('utf8').on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const stop = () => stopJupyterServer(server);
  try {
    await ready(base, token, server, () => output, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: (path) => `${base}/${path.replace(/^\//, '')}${path.includes('?') ? '&' : '?'}token=${token}`,
    log: () => output,
    stop,
  };
}
