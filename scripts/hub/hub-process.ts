/**
 * Starts the real JupyterHub from the instructor's config file, for the hub test and the load
 * benchmark: an overlay config loads scripts/hub/jupyterhub_config.py first, then only changes
 * what a throw-away hub needs (free ports on 127.0.0.1, a fresh state folder, the listed
 * students, one shared password instead of PAM unless PAM is under test, extra environment for
 * the students' servers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureLabBuild } from '../lab/bundle';
import { registerKernel } from '../register-kernel';
import { hubConfigFile, hubJupyterPath, jupyterhubBin } from './paths';

export interface HubOptions {
  students: string[];
  /** One password for every student (JupyterHub's dummy authenticator); without it, the config's PAM. */
  password?: string;
  /** Extra variables for every student's server (and so their kernels), e.g. DESCENT_LAB_QUICK. */
  environment?: Record<string, string>;
}

export interface RunningHub {
  url: string;
  hubPid: number;
  proxyPid: number;
  /** Everything the hub and proxy printed so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const py = (value: unknown) => JSON.stringify(value); // JSON strings, lists and dicts are Python literals too

/** The overlay config: the instructor's file, then the test hub's changes. */
export function overlayConfig(ports: { public: number; hub: number; proxyApi: number }, options: HubOptions): string {
  return [
    'c = get_config()',
    `load_subconfig(${py(hubConfigFile)})`,
    `c.JupyterHub.bind_url = 'http://127.0.0.1:${ports.public}'`,
    `c.JupyterHub.hub_bind_url = 'http://127.0.0.1:${ports.hub}'`,
    `c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:${ports.proxyApi}'`,
    ...(options.password === undefined ? [] : [
      "c.JupyterHub.authenticator_class = 'dummy'",
      `c.DummyAuthenticator.password = ${py(options.password)}`,
    ]),
    `c.Authenticator.allowed_users = set(${py(options.students)})`,
    `c.Spawner.environment.update(${py(options.environment ?? {})})`,
    '',
  ].join('\n');
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`JupyterHub exited with code ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/hub/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`JupyterHub did not answer ${url}/hub/health within ${timeoutMs / 1000} s:\n${log()}`);
}

export async function startHub(options: HubOptions): Promise<RunningHub> {
  if (!fs.existsSync(jupyterhubBin)) {
    throw new Error(`JupyterHub is not installed (${jupyterhubBin}); install it with: apt-get install jupyterhub`);
  }
  registerKernel(hubJupyterPath);
  await ensureLabBuild(); // the interface students get (the config falls back to the classic Notebook without it)
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-hub-'));
  const ports = { public: await freePort(), hub: await freePort(), proxyApi: await freePort() };
  const configFile = path.join(state, 'jupyterhub_config.py');
  fs.writeFileSync(configFile, overlayConfig(ports, options));
  const child = spawn(jupyterhubBin, ['-f', configFile], {
    cwd: state,
    // A fresh state folder, and this checkout's course even where a system install exists.
    env: { ...process.env, DESCENT_LAB_HUB_STATE: state, DESCENT_LAB_PREFIX: path.join(state, 'no-install') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => { output += chunk.toString('utf8'); };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const log = () => output;
  const url = `http://127.0.0.1:${ports.public}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM'); // the hub stops every student's server and its proxy on the way out
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, log);
    const proxyPid = Number(fs.readFileSync(path.join(state, 'jupyterhub-proxy.pid'), 'utf8').trim());
    return { url, hubPid: child.pid!, proxyPid, log, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
