/**
 * Starts the course's JupyterLab server (server/descent_lab_jupyterlab.py, a jupyter_server
 * extension) on 127.0.0.1 with a random token, and resolves once it answers, with the URL to open.
 * Used by `npm run lab` and by the UI tests; the kernel inherits the server's environment, so
 * settings such as DESCENT_LAB_QUICK reach the notebooks through `env`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { projectRoot } from '../jupyter/paths';
import { labBuildDir } from './bundle';

export const labServerModuleDir = path.join(projectRoot, 'scripts', 'lab', 'server');

export interface LabServerOptions {
  python: string;
  /** The folder the file browser shows. */
  rootDir: string;
  /** The port to listen on; taken as given (no retries), else Jupyter's 8888 or the next free one. */
  port?: number;
  openBrowser?: boolean;
  /** Extra environment for the server and its kernels. */
  env?: NodeJS.ProcessEnv;
  /** Extra command-line options, e.g. `--DescentLabApp.workspaces_dir=...`. */
  args?: string[];
  /** Where the server's log goes as it comes, besides being kept for `log()`. */
  onLog?: (text: string) => void;
  timeoutMs?: number;
}

export interface LabServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  token: string;
  /** `http://127.0.0.1:<port>/<path>?token=...`; `url('lab')` is what `jupyter lab` prints. */
  url(path: string): string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Stops a Jupyter server process: SIGTERM, on which it shuts its kernels down, and SIGKILL if it
 * has not exited 15 s later. Then lets go of its stdout and stderr: a kernel that outlived it (one
 * it started as it shut down) still holds them, and would keep this process alive as long as it runs.
 */
export async function stopJupyterServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
  server.stdout?.destroy();
  server.stderr?.destroy();
}

export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const token = randomBytes(24).toString('hex');
  const asRoot = process.getuid?.() === 0 ? ['--allow-root'] : [];
  const port = options.port === undefined ? [] : [`--ServerApp.port=${options.port}`, '--ServerApp.port_retries=0'];
  const server: ChildProcess = spawn(options.python, [
    '-m', 'descent_lab_jupyterlab',
    '--ServerApp.ip=127.0.0.1', ...port, `--ServerApp.token=${token}`,
    `--ServerApp.root_dir=${options.rootDir}`, `--ServerApp.open_browser=${options.openBrowser ? 'True' : 'False'}`,
    ...asRoot, ...(options.args ?? []),
  ], {
    cwd: options.rootDir,
    env: {
      ...process.env,
      PYTHONPATH: [labServerModuleDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
      DESCENT_LAB_LAB_BUILD: labBuildDir,
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (text: string) => {
    output = (output + text).slice(-50_000);
    options.onLog?.(text);
  };
  server.stdout!.setEncoding('utf8').on('data', keep);
  server.stderr!.setEncoding('utf8').on('data', keep);
  const stop = () => stopJupyterServer(server);
  try {
    const base = await listening(server, () => output, options.timeoutMs ?? 60_000);
    await answering(base, token, options.timeoutMs ?? 60_000);
    return {
      base,
      token,
      url: (where) => `${base}/${where.replace(/^\//, '')}${where.includes('?') ? '&' : '?'}token=${token}`,
      log: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The server's address, read from its "is running at" log line (the port may have been free-picked). */
function listening(server: ChildProcess, log: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`the lab server did not start within ${timeoutMs / 1000} s:\n${log()}`)), timeoutMs);
    const check = () => {
      const found = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(log());
      if (found) finish(undefined, found[1]);
    };
    const exited = (code: number | null) => finish(new Error(`the lab server exited (${code}):\n${log()}`));
    function finish(error?: Error, base?: string) {
      clearTimeout(timer);
      server.stdout!.off('data', check);
      server.stderr!.off('data', check);
      server.off('exit', exited);
      if (error) reject(error);
      else resolve(base!);
    }
    server.stdout!.on('data', check);
    server.stderr!.on('data', check);
    server.once('exit', exited);
    check();
  });
}

async function answering(base: string, token: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/status?token=${token}`)).ok) return;
    } catch {
      // not accepting connections yet
    }
    if (Date.now() > deadline) throw new Error(`the lab server at ${base} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
