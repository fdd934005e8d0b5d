/**
 * Jupyter's Interrupt during `runExperiments`, as a student meets it: a real tslab kernel, started
 * by jupyter_client as Jupyter starts it, runs sweeps on MNIST and is interrupted (SIGINT) a few
 * seconds in: two runs in worker threads; three runs of which a short one has finished (and is
 * cached) when the interrupt comes; the three learning-rate-schedule runs of notebook 2 with their
 * live chart; and one run in the kernel's own thread. Each interrupted cell must end at once with
 * one line saying what stopped, leave no thread or CPU use behind and no output for later cells,
 * keep what finished, and the kernel must shut down cleanly afterwards.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runKernelDriver } from './support/kernel-driver';

interface KernelEvent {
  type: string;
  /** Seconds from the cell's start to the message's arrival. */
  at: number;
  name?: string;
  text?: string;
  display_id?: string | null;
  /** Output of another cell that arrived while this one ran. */
  foreign?: boolean;
}
interface CellRecord {
  events: KernelEvent[];
  status: string;
  interrupt_to_reply_s?: number;
  started_to_interrupt_s?: number;
  cpu_fraction?: number;
  threads_before_interrupt?: number;
  threads_while_measured?: number;
  threads_after: number;
}
interface SessionRecord {
  cells: CellRecord[];
  exit_code: number;
  stderr: string;
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-interrupt-kernel-'));
const cacheDir = path.join(workDir, 'cache');
const fullMnist = 'trainSamples: 60000, testSamples: 10000, batchSize: 32';
/** A cell in which the kernel has nothing to do for 3 s, then prints; the CPU is measured meanwhile. */
const quietCell = {
  code: "await new Promise((resolve) => setTimeout(resolve, 3000));\nconsole.log('quiet cell done');",
  measure_cpu: { from_s: 0.5, for_s: 2 },
};
/** Prints the number of finished epochs and the val_acc figures (as logs show them) of every run the last interrupt kept. */
const keptCell = {
  code: `console.log('kept: ' + JSON.stringify(Object.fromEntries(Object.entries(dl.interrupted()?.runs ?? {})
  .map(([label, run]) => [label, (run.history.val_acc ?? []).map((value) => value.toFixed(4))]))));`,
};

const steps = [
  { code: "import * as dl from 'descent-lab';\nconst tf = require('@tensorflow/tfjs');\nawait dl.initBackend();" },
  // 1. Two runs of 20 epochs on full MNIST, in two worker threads, interrupted 6 s in.
  {
    code: `await dl.runExperiments([{ label: 'Adam', optimizer: 'Adam' }, { label: 'NAdam', optimizer: 'Nadam' }], { epochs: 20, ${fullMnist} });`,
    interrupt: { after_s: 6 },
  },
  quietCell,
  keptCell,
  // 5. Three runs; Short stops after its second epoch (nothing improves val_loss by 100), so it is
  // cached while Adam and NAdam train; interrupted 1.5 s after its cache entry appears.
  {
    code: `await dl.runExperiments([
  { label: 'Short', optimizer: 'SGD', earlyStopping: { minDelta: 100 } },
  { label: 'Adam', optimizer: 'Adam' },
  { label: 'NAdam', optimizer: 'Nadam' },
], { epochs: 20, trainSamples: 20000, testSamples: 2000 });`,
    interrupt: { after_s: 1, when_file_in: cacheDir, then_s: 1.5 },
  },
  quietCell,
  keptCell,
  // 8. Notebook 2's sweep: the three schedules over the course's 50 epochs, with its live chart.
  {
    code: `const eta0 = 0.01, nEpochs = 50;
const timeDecay = dl.timeBasedDecay({ initialLearningRate: eta0, decay: eta0 / nEpochs });
const stepDecay = dl.stepDecay({ initialLearningRate: eta0, dropRate: 0.5, epochsDrop: 10 });
const expDecay = dl.expDecay({ initialLearningRate: eta0, k: 0.1 });`,
  },
  {
    code: `const scheduledRuns = await dl.runExperiments([
  { label: 'Time Decay', optimizer: 'SGD', schedule: timeDecay.config },
  { label: 'Step Decay', optimizer: 'SGD', schedule: stepDecay.config },
  { label: 'Exp. Decay', optimizer: 'SGD', schedule: expDecay.config },
], { ...dl.COURSE_SETTINGS, liveChart: { metric: 'val_acc', title: 'schedules: accuracy on test, while training' } });`,
    interrupt: { after_s: 6 },
  },
  quietCell,
  // 11. One run: runExperiments trains it in the kernel's own thread (through fit).
  {
    code: `await dl.runExperiments([{ label: 'Constant', optimizer: 'SGD' }], { ...dl.COURSE_SETTINGS, epochs: 20 });`,
    interrupt: { after_s: 5 },
  },
  quietCell,
  // 13. TensorFlow.js still works, taped gradients included.
  { code: "console.log('grad: ' + JSON.stringify(tf.grad((x: any) => x.square().sum())(tf.tensor1d([1, 2])).arraySync()));" },
];
const SWEEP = 1;
const SHORT_SWEEP = 4;
const SCHEDULES = 8;
const IN_THREAD = 10;
const interrupted = [SWEEP, SHORT_SWEEP, SCHEDULES, IN_THREAD];

let session: SessionRecord;

before(() => {
  const env: NodeJS.ProcessEnv = { ...process.env, DESCENT_LAB_CACHE_DIR: cacheDir };
  for (const name of ['DESCENT_LAB_QUICK', 'DESCENT_LAB_FRESH', 'DESCENT_LAB_EPOCHS']) delete env[name];
  session = runKernelDriver<SessionRecord>('sweep_interrupt_session.py', steps, workDir, { env });
  for (const index of interrupted) {
    const cell = session.cells[index];
    console.log(`cell ${index + 1}: interrupted ${cell.started_to_interrupt_s?.toFixed(1)} s in; ended ${cell.interrupt_to_reply_s?.toFixed(3)} s after the interrupt: `
      + errorLine(cell));
  }
});

after(() => fs.rmSync(workDir, { recursive: true, force: true }));

const textOf = (cell: CellRecord) => cell.events.map((event) => event.text ?? '').join('');
/** The error the cell ended with: an `error` message, or the stderr text tslab prints (first line). */
function errorLine(cell: CellRecord): string {
  const error = cell.events.find((event) => event.type === 'error');
  if (error) return error.text!;
  return cell.events.filter((event) => event.name === 'stderr').map((event) => event.text).join('').split('\n')[0];
}
const stoppedPattern = (label: string, steps: number) => `${label} \\(epoch \\d+(, batch \\d+ of ${steps})?\\)`;
const tail = "; dl\\.interrupted\\(\\)\\.runs holds every run's finished epochs\\.$";
/** The val_acc figures of a run's finished epochs as its log lines printed them. */
const printedValAcc = (text: string, label: string) =>
  [...text.matchAll(new RegExp(`^\\[${label}\\] .*val_acc: (\\d\\.\\d{4})$`, 'gm'))].map((match) => match[1]);
const kept = (cell: CellRecord): Record<string, string[]> => JSON.parse(/^kept: (.*)$/m.exec(textOf(cell))![1]);

describe('Interrupt during runExperiments, in a real tslab kernel', () => {
  it('ends each interrupted cell within 5 s, with an error', () => {
    for (const index of interrupted) {
      const cell = session.cells[index];
      assert.ok(cell.interrupt_to_reply_s !== undefined, `cell ${index + 1} was interrupted`);
      assert.ok(cell.interrupt_to_reply_s < 5, `cell ${index + 1} ended ${cell.interrupt_to_reply_s.toFixed(1)} s after the interrupt`);
      assert.equal(cell.status, 'error', `cell ${index + 1}`);
      assert.doesNotMatch(textOf(cell), /Interrupted asynchronously/, `cell ${index + 1} stopped by itself, tslab did not abandon it`);
    }
  });

  it('says in one line what stopped, where, and where the finished work is', () => {
    assert.match(errorLine(session.cells[SWEEP]),
      new RegExp(`^TrainingInterrupted: stopped ${stoppedPattern('Adam', 1875)} and ${stoppedPattern('NAdam', 1875)}; no run had finished${tail}`));
    assert.match(errorLine(session.cells[SHORT_SWEEP]),
      new RegExp(`^TrainingInterrupted: stopped ${stoppedPattern('Adam', 625)} and ${stoppedPattern('NAdam', 625)}; the finished run is in the results cache${tail}`));
    const schedules = ['Time Decay', 'Step Decay', 'Exp\\. Decay'].map((label) => stoppedPattern(label, 1875));
    assert.match(errorLine(session.cells[SCHEDULES]), new RegExp(`^TrainingInterrupted: stopped (${schedules[0]} and ${schedules[1]}, 1 run not started|`
      + `${schedules[0]}, ${schedules[1]} and ${schedules[2]}); no run had finished${tail}`));
    assert.match(errorLine(session.cells[IN_THREAD]),
      new RegExp(`^TrainingInterrupted: stopped ${stoppedPattern('Constant', 1875)}; no run had finished${tail}`));
  });

  it('leaves no thread and no CPU use behind: the next cell finds the kernel idle', () => {
    const threadsBefore = session.cells[0].threads_after;
    for (const index of interrupted) {
      const cell = session.cells[index];
      const quiet = session.cells[index + 1];
      assert.ok(cell.threads_before_interrupt! >= threadsBefore, 'threads while training');
      assert.ok(quiet.threads_while_measured! <= threadsBefore, `after cell ${index + 1}: ${quiet.threads_while_measured} threads, ${threadsBefore} before the sweeps`);
      console.log(`after cell ${index + 1}: kernel CPU ${(100 * quiet.cpu_fraction!).toFixed(1)} % of a core, ${quiet.threads_while_measured} threads (${threadsBefore} before)`);
      assert.ok(quiet.cpu_fraction! < 0.15, `the kernel used ${(100 * quiet.cpu_fraction!).toFixed(0)} % of a core after cell ${index + 1}`);
    }
  });

  it('sends no output after the interrupt into later cells', () => {
    for (const index of interrupted) {
      const quiet = session.cells[index + 1];
      assert.deepEqual(quiet.events.map(({ type, name, text, foreign }) => ({ type, name, text, foreign })),
        [{ type: 'stream', name: 'stdout', text: 'quiet cell done\n', foreign: undefined }], `the cell after cell ${index + 1}`);
    }
  });

  it('ends the live chart with one last drawing at the interrupt, before the cell ends', () => {
    const cell = session.cells[SCHEDULES];
    const shown = cell.events.find((event) => event.type === 'display_data' && event.display_id);
    assert.ok(shown, 'the sweep showed its live chart');
    const updates = cell.events.filter((event) => event.type === 'update_display_data');
    assert.ok(updates.length >= 1 && updates.every((event) => event.display_id === shown.display_id));
    const interruptAt = cell.started_to_interrupt_s!;
    assert.ok(updates.at(-1)!.at >= interruptAt, 'the last drawing came after the interrupt');
  });

  it('keeps the finished run in the cache, and nothing of the stopped ones', () => {
    const entries = fs.readdirSync(cacheDir);
    assert.equal(entries.length, 1, `cache: ${entries}`);
    const entry = JSON.parse(fs.readFileSync(path.join(cacheDir, entries[0]), 'utf8'));
    assert.equal(entry.label, 'Short');
    assert.equal(entry.history.epoch.length, 2);
  });

  it('keeps every run\'s finished epochs in dl.interrupted().runs, as their logs showed them', () => {
    const runs = kept(session.cells[SHORT_SWEEP + 2]);
    assert.deepEqual(Object.keys(runs), ['Short', 'Adam', 'NAdam']);
    assert.equal(runs.Short.length, 2);
    const log = textOf(session.cells[SHORT_SWEEP]);
    assert.ok(runs.Adam.length >= 1, `Adam kept ${runs.Adam.length} epoch(s)`);
    for (const label of ['Short', 'Adam', 'NAdam']) {
      const printed = printedValAcc(log, label);
      // An epoch's figures reach the main thread just before its log line, so the last one may be unprinted.
      assert.deepEqual(runs[label].slice(0, printed.length), printed, label);
      assert.ok(runs[label].length <= printed.length + 1, label);
    }
    assert.deepEqual(Object.keys(kept(session.cells[SWEEP + 2])), ['Adam', 'NAdam']);
  });

  it('leaves TensorFlow.js working', () => {
    assert.match(textOf(session.cells.at(-1)!), /^grad: \[2,4\]$/m);
  });

  it('shuts down cleanly afterwards', () => {
    assert.doesNotMatch(session.stderr, /Socket is closed/);
    assert.equal(session.exit_code, 0, `kernel stderr:\n${session.stderr.slice(-2000)}`);
  });
});
