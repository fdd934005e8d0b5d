/**
 * `npm run lab`: opens the course notebooks (notebooks/) in JupyterLab 4 with the project's tslab
 * kernel, on 127.0.0.1 only. JupyterLab here is built from the pinned `@jupyterlab/*` npm packages
 * (scripts/lab/: built once into build/lab/, again only when its inputs change) and served by
 * jupyter_server, so no pip JupyterLab is needed. Like `jupyter lab` it prints its URL with the
 * token, takes `--port N` and `--no-browser`, and serves until stopped (Ctrl-C); other options go
 * to jupyter_server, e.g. `npm run lab -- --port 8890 --no-browser`.
 */
import * as path from 'node:path';
import { projectRoot, notebooksDir } from './jupyter/paths';
import { ensureLabBuild } from './lab/bundle';
import { ensureLabPython } from './lab/python';
import { startLabServer } from './lab/server';
import { registerKernel } from './register-kernel';

interface LabArguments {
  port?: number;
  openBrowser: boolean;
  rest: string[];
}

export function parseLabArguments(argv: string[]): LabArguments {
  const parsed: LabArguments = { openBrowser: true, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const port = arg === '--port' ? argv[++i] : arg.startsWith('--port=') ? arg.slice('--port='.length) : undefined;
    if (port !== undefined) {
      parsed.port = Number(port);
      if (!Number.isInteger(parsed.port) || parsed.port < 1 || parsed.port > 65535) {
        throw new Error(`--port takes a port number from 1 to 65535, not ${JSON.stringify(port)}: e.g. npm run lab -- --port 8890`);
      }
    } else if (arg === '--no-browser') parsed.openBrowser = false;
    else parsed.rest.push(arg);
  }
  return parsed;
}

async function main(): Promise<void> {
  const options = parseLabArguments(process.argv.slice(2));
  const python = ensureLabPython();
  registerKernel();
  require(path.join(projectRoot, 'scripts', 'link-self.js'));
  process.stdout.write('JupyterLab front end: ');
  const build = await ensureLabBuild();
  console.log(build.built ? `built in ${build.seconds.toFixed(1)} s (build/lab/)` : 'up to date');
  const server = await startLabServer({
    python,
    rootDir: notebooksDir,
    port: options.port,
    openBrowser: options.openBrowser,
    args: options.rest,
    onLog: (text) => process.stderr.write(text),
    timeoutMs: 120_000,
  });
  console.log(`\nJupyterLab 4 is serving ${notebooksDir}. Open it at:\n\n    ${server.url('lab')}\n\nStop it with Ctrl-C.`);
  const stop = () => void server.stop().then(() => process.exit(0));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
