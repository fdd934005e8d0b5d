/**
 * Throw-away Unix accounts for the hub's test and load benchmark: created with a private home,
 * removed with it afterwards, together with any process still running as them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.trim() || `exit ${result.status}`}`);
}

/** The uid of an account, or undefined when it does not exist. */
export function uidOf(name: string): number | undefined {
  const result = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

/** Creates `name` with a home of mode 0750 (as adduser's DIR_MODE would); fails if it exists. */
export function createAccount(name: string): void {
  if (uidOf(name) !== undefined) throw new Error(`Account ${name} exists already; remove it first (userdel -r ${name}).`);
  run('useradd', ['--create-home', '--shell', '/bin/bash', '--user-group', name]);
  fs.chmodSync(`/home/${name}`, 0o750);
}

/** Sets the account's Unix password (what PAM checks). */
export function setPassword(name: string, password: string): void {
  const result = spawnSync('chpasswd', [], { input: `${name}:${password}\n`, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`chpasswd for ${name} failed: ${result.stderr.trim()}`);
}

/** Pids of the processes running as `uid` (read from /proc, so nothing else is matched). */
export function processesOf(uid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const real = /^Uid:\s+(\d+)/m.exec(status);
      if (real && Number(real[1]) === uid) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Ends the account's processes (their servers and kernels), then removes it with its home. */
export function removeAccount(name: string): void {
  const uid = uidOf(name);
  if (uid === undefined) return;
  if (uid < 1000) throw new Error(`Refusing to remove system account ${name} (uid ${uid}).`);
  for (const pid of processesOf(uid)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  for (let i = 0; i < 50 && processesOf(uid).length > 0; i++) spawnSync('sleep', ['0.1']);
  run('userdel', ['--remove', name]);
}
