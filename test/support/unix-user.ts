/**
 * A real, throwaway Unix account for the tests of what another user of the machine sees (the
 * system install, the shared results cache): created with useradd, its home 0750 as on a hub,
 * commands run as it with runuser, removed with its home afterwards. Needs root.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const canCreateUsers = process.getuid?.() === 0 && fs.existsSync('/usr/sbin/useradd') && fs.existsSync('/usr/sbin/runuser');

export interface UnixUser {
  name: string;
  home: string;
  uid: number;
  gid: number;
  /** Makes `file` (and the folders between it and the home folder) this user's own. */
  own(file: string): void;
  /** Runs `command` as this user in `cwd` (default: the home folder) with HOME set and `env` added. */
  run(command: string, args: string[], options?: { cwd?: string; env?: Record<string, string>; timeout?: number }): SpawnSyncReturns<string>;
  remove(): void;
}

export function createUser(prefix: string): UnixUser {
  const name = `${prefix}${process.pid % 100000}`.slice(0, 31);
  const home = `/home/${name}`;
  spawnSync('/usr/sbin/userdel', ['--remove', name], { stdio: 'ignore' }); // a leftover of a killed run
  const made = spawnSync('/usr/sbin/useradd', ['--create-home', '--home-dir', home, '--shell', '/bin/sh', name], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`useradd ${name} failed: ${made.stderr}`);
  fs.chmodSync(home, 0o750);
  const { uid, gid } = fs.statSync(home);
  return {
    name, home, uid, gid,
    own(file) {
      for (let at = file; at.startsWith(home + '/'); at = path.dirname(at)) fs.chownSync(at, uid, gid);
    },
    run(command, args, options = {}) {
      const env = Object.entries({ PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, USER: name, ...options.env }).map(([k, v]) => `${k}=${v}`);
      return spawnSync('/usr/sbin/runuser', ['-u', name, '--', '/usr/bin/env', '-i', ...env, command, ...args], {
        cwd: options.cwd ?? home, encoding: 'utf8', timeout: options.timeout ?? 120_000,
      });
    },
    remove() {
      spawnSync('/usr/sbin/userdel', ['--remove', name], { stdio: 'ignore' });
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Runs every cell of `notebook` as `user` through nbclient (as Jupyter does) with the kernel spec
 * `kernel` found on `jupyterPath`, from the notebook's folder; returns each cell's printed text.
 */
export function runNotebookAs(user: UnixUser, notebook: string, jupyterPath: string, kernel: string, env: Record<string, string> = {}): string[] {
  const script = [
    'import json, os, sys, nbformat',
    'from nbclient import NotebookClient',
    'nb = nbformat.read(sys.argv[1], 4)',
    `NotebookClient(nb, kernel_name=${JSON.stringify(kernel)}, allow_errors=True, timeout=600,`,
    '               resources={"metadata": {"path": os.path.dirname(sys.argv[1])}}).execute()',
    'def text(output):',
    '    if output.output_type == "stream": return output.text',
    '    if output.output_type == "error": return output.ename + ": " + output.evalue + "\\n"',
    '    return ""',
    'print(json.dumps(["".join(text(o) for o in cell.get("outputs", [])) for cell in nb.cells]))',
  ].join('\n');
  const ran = user.run('/usr/bin/python3', ['-c', script, notebook], { cwd: user.home, env: { JUPYTER_PATH: jupyterPath, ...env } });
  if (ran.status !== 0) throw new Error(`running ${notebook} as ${user.name} failed (${ran.status}): ${ran.stderr}`);
  return JSON.parse(ran.stdout.trim().split('\n').pop()!);
}
