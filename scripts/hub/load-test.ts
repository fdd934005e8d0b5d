/**
 * `npm run bench-hub`: a class on the hub, measured as JupyterHub's hubtraf measures a hub. For
 * each class size N it creates N throw-away accounts and starts the real hub from the instructor's
 * config; each simulated student arrives after a random delay, logs in, starts their server and the
 * TypeScript kernel, and steps through notebook 1's student edition in quick mode with think time
 * between cells, while the course's runs replay from a shared read-only results cache. Then, all
 * connected and idle, each runs a trivial cell a few times. Printed per N: each phase's p50 / p95 /
 * max and failures, memory per student (server + kernel RSS), the hub's and proxy's CPU and memory.
 * Accounts and their homes are removed afterwards. Needs root.
 *
 *     npm run bench-hub -- [--students 5,10,20,30] [--start-delay 60] [--think 3] [--cache DIR]
 *
 * --start-delay S   students arrive at random within S seconds (hubtraf's max start delay: 60)
 * --think S         think time between cells, uniform in 0.5 S .. 1.5 S (default 3)
 * --cache DIR       the shared results cache to replay from; by default the bench fills a fresh
 *                   one by running notebook 1 in quick mode once, as the instructor
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { loadavg } from 'node:os';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatCpu, readCpuInfo } from '../bench/cpu';
import { projectRoot } from '../jupyter/paths';
import { createAccount, removeAccount, uidOf } from './accounts';
import { startHub } from './hub-process';
import { formatRound, formatTargets, type RoundResult } from './load/report';
import { memAvailableMiB, ResourceSampler } from './load/resource-sampler';
import { runStudentSession, trivialCells, type SessionResult } from './load/student-session';

interface LoadOptions { students: number[]; startDelay: number; think: number; cache?: string }

function parseOptions(argv: string[]): LoadOptions {
  const options: LoadOptions = { students: [5, 10, 20, 30], startDelay: 60, think: 3 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    const number = (flag: string) => {
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${flag} needs a number of seconds, e.g. ${flag} 30`);
      i++;
      return parsed;
    };
    if (argv[i] === '--students') {
      options.students = (value ?? '').split(',').map(Number);
      if (options.students.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--students needs class sizes, e.g. --students 5,10,20,30');
      i++;
    } else if (argv[i] === '--start-delay') options.startDelay = number('--start-delay');
    else if (argv[i] === '--think') options.think = number('--think');
    else if (argv[i] === '--cache') { options.cache = path.resolve(value ?? ''); i++; }
    else throw new Error(`Unknown option ${argv[i]}; use --students, --start-delay, --think or --cache.`);
  }
  return options;
}

const progress = (text: string) => process.stderr.write(`bench-hub: ${text}\n`);

/** The instructor's quick run of notebook 1 fills the shared cache; students only read it. */
function fillSharedCache(dir: string): void {
  progress(`filling the shared results cache ${dir} (notebook 1, quick mode, as the instructor)`);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-hub-bench-out-'));
  const run = spawnSync(process.execPath, [path.join(projectRoot, 'build', 'scripts', 'run-notebooks.js'), '--quick', '01', '--out', out], {
    env: { ...process.env, DESCENT_LAB_CACHE_DIR: dir }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  fs.rmSync(out, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`filling the shared cache failed (exit ${run.status})`);
}

/**
 * A student's server and kernel take about 500 MiB (p50), at most 620 MiB, at their peak during
 * notebook 1 (measured, N = 5 to 30). A round starts when that fits with 768 MiB to spare; if the
 * machine still falls under 1 GiB available (other programs grow too), the sampler stops the round.
 */
const MIB_PER_STUDENT = 600;
const SPARE_MIB = 768;

/** The hub's last `count` log lines that name `student`: why their server failed to start, say. */
function hubLogAbout(log: string, student: string, count = 15): string[] {
  return log.split('\n').filter((line) => line.includes(student)).slice(-count).map((line) => `    ${line}`);
}

async function round(students: number, options: LoadOptions, cache: string): Promise<RoundResult> {
  const needed = students * MIB_PER_STUDENT + SPARE_MIB;
  if (memAvailableMiB() < needed) {
    throw new Error(`N = ${students} skipped: it needs about ${needed} MiB and this machine has ${memAvailableMiB().toFixed(0)} MiB available now `
      + '(other programs use the rest); the bench never pushes the machine into swapping or the OOM killer.');
  }
  const suffix = randomBytes(2).toString('hex');
  const names = Array.from({ length: students }, (_, i) => `dlload${suffix}${String(i + 1).padStart(2, '0')}`);
  const password = randomBytes(12).toString('hex');
  const think = () => options.think * 1000 * (0.5 + Math.random());
  try {
    for (const name of names) createAccount(name);
    const hub = await startHub({ students: names, password, environment: { DESCENT_LAB_QUICK: '1', DESCENT_LAB_CACHE_DIR: cache } });
    const started = performance.now();
    let sessions: SessionResult[] = [];
    try {
      const sampler = new ResourceSampler(new Set(names.map((name) => uidOf(name)!)), hub.hubPid, hub.proxyPid);
      sampler.onLowMemory = () => {
        progress(`the machine is down to ${sampler.lowMemoryMiB} MiB available: stopping this round's hub and servers`);
        void hub.stop();
      };
      sampler.startSampling();
      sessions = await Promise.all(names.map((name) => runStudentSession(name, {
        hubUrl: hub.url, password, notebook: 'descent-lab/01-optimizers.ipynb', kernelName: 'descent-lab-tslab',
        startDelayMs: Math.random() * options.startDelay * 1000, thinkMs: think, onFailure: (message) => progress(`FAILED ${message}`),
      })));
      for (const session of sessions.filter((each) => each.failure)) {
        console.log(`The hub's log about ${session.name} (${session.failure!.phase} failed):\n${hubLogAbout(hub.log(), session.name).join('\n')}\n`);
      }
      const idle = [...sampler.studentsNow().values()];
      const idleMiB = idle.map((student) => student.mib);
      const cpuSeconds = idle.map((student) => student.cpuSeconds);
      const trivial = await trivialCells(sessions, 5, () => 200 + Math.random() * 800);
      return { students, sessions, trivial, idleMiB, cpuSeconds, resources: sampler.stop(), wallSeconds: (performance.now() - started) / 1000 };
    } finally {
      for (const session of sessions) session.student.close();
      await hub.stop();
    }
  } finally {
    for (const name of names) removeAccount(name);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (process.getuid?.() !== 0) throw new Error('The load test creates Unix accounts and runs the hub: run it as root.');
  const cache = options.cache ?? fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-hub-cache-'));
  try {
    if (!options.cache) {
      fillSharedCache(cache);
      spawnSync('chmod', ['-R', 'a+rX', cache]);
    }
    console.log(`${formatCpu(readCpuInfo())}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; `
      + `load average ${loadavg()[0].toFixed(1)} and ${(memAvailableMiB() / 1024).toFixed(1)} GiB available at the start`);
    console.log(`Students arrive within ${options.startDelay} s; think time ${options.think * 0.5}-${options.think * 1.5} s between cells; `
      + 'notebook 1 student edition, quick mode, runs replayed from the shared cache.\n');
    let last: RoundResult | undefined;
    for (const students of options.students) {
      progress(`${students} students`);
      try {
        last = await round(students, options, cache);
      } catch (error) {
        console.log(`${(error as Error).message}\n`);
        continue;
      }
      console.log(`${formatRound(last)}\n  (load average now ${loadavg()[0].toFixed(1)})\n`);
    }
    if (last) console.log(formatTargets(last));
  } finally {
    if (!options.cache) fs.rmSync(cache, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench-hub: ${(error as Error).message}`);
  process.exit(1);
});
