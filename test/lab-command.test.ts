/**
 * `npm run lab` as a user runs it (build/scripts/lab.js, after `npm run build`): it prints
 * `http://127.0.0.1:PORT/lab?token=...`, that page is JupyterLab 4's (the bundle built from npm),
 * the server answers the two requests JupyterLab 4 needs that jupyter_server 1.x lacks, and a
 * SIGTERM stops it. A bad `--port` is refused with a message naming the fix.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../scripts/jupyter/paths';
import { freePort } from './support/free-port';

const labScript = path.join(projectRoot, 'build', 'scripts', 'lab.js');

test('npm run lab -- --no-browser --port N prints its URL, serves JupyterLab 4, and stops on SIGTERM', { timeout: 240_000 }, async () => {
  const port = await freePort();
  const lab = spawn(process.execPath, [labScript, '--no-browser', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  lab.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  lab.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
  const exited = new Promise<number | null>((resolve) => lab.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 180 s:\n${out}\n${err.slice(-3000)}`)), 180_000);
      const look = () => {
        const found = /http:\/\/127\.0\.0\.1:(\d+)\/lab\?token=[0-9a-f]+/.exec(out);
        if (found) {
          clearTimeout(timer);
          resolve(found[0]);
        }
      };
      lab.stdout.on('data', look);
      lab.once('exit', () => reject(new Error(`npm run lab exited:\n${out}\n${err.slice(-3000)}`)));
    });
    assert.equal(new URL(url).port, String(port), 'it listens on the port asked for');
    const page = await (await fetch(url)).text();
    assert.match(page, /<script type="module" src="[^"]*\/lab\.js">/, 'the page loads the JupyterLab bundle');
    const token = new URL(url).searchParams.get('token');
    const me = await fetch(`http://127.0.0.1:${port}/api/me?token=${token}`);
    assert.equal(me.status, 200, 'GET /api/me is answered');
    assert.ok(((await me.json()) as { identity?: { username?: string } }).identity?.username, 'with an identity');
    const kernels = (await (await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`)).json()) as { kernelspecs: Record<string, unknown> };
    assert.ok('descent-lab-tslab' in kernels.kernelspecs, "the project's kernel is offered");
    const forbidden = await fetch(`http://127.0.0.1:${port}/api/me`);
    assert.equal(forbidden.status, 403, 'nothing without the token');
  } finally {
    lab.kill('SIGTERM');
  }
  await exited;
  await assert.rejects(fetch(`http://127.0.0.1:${port}/api/status`), 'the server stopped with it');
});

test('npm run lab -- --port abc is refused with a message saying what --port takes', () => {
  const run = spawnSync(process.execPath, [labScript, '--port', 'abc'], { encoding: 'utf8' });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /--port takes a port number from 1 to 65535, not "abc"/);
});
