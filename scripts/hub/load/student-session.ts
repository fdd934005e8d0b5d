/**
 * One student's session in the load test: after a random delay (hubtraf's max-start-delay), log
 * in, start the server, open notebook 1's student edition, start its kernel, then run its code
 * cells in order with think time between them, the way a student steps through with Shift-Enter.
 * Each phase is timed; a phase that fails ends the session with the failure recorded.
 */
import type { KernelMessage } from '../kernel-channel';
import { SimulatedStudent } from '../simulated-student';

export type Phase = 'login' | 'server ready' | 'kernel ready' | 'first chart' | 'whole notebook';
export const PHASES: Phase[] = ['login', 'server ready', 'kernel ready', 'first chart', 'whole notebook'];

export interface SessionResult {
  name: string;
  ms: Partial<Record<Phase, number>>;
  /** Cells that failed for another reason than the student edition's stubs ("not implemented yet"). */
  failure?: { phase: Phase | 'cell'; message: string };
  student: SimulatedStudent;
}

export interface SessionOptions {
  hubUrl: string;
  password: string;
  notebook: string;
  kernelName: string;
  startDelayMs: number;
  thinkMs: () => number;
  /** Told at once when the session fails (the report lists every failure at the end too). */
  onFailure?: (message: string) => void;
}

/** Quick mode's slowest cell (the sweep replaying seven runs) takes seconds; a minute means trouble. */
const CELL_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isChart = (message: KernelMessage) =>
  (message.header.msg_type === 'display_data' || message.header.msg_type === 'update_display_data')
  && 'application/vnd.plotly.v1+json' in (message.content.data ?? {});

/** A student edition's cell may fail only because an exercise is not written yet. */
const expectedError = (evalue = '') => /not implemented yet/.test(evalue);

export async function runStudentSession(name: string, options: SessionOptions): Promise<SessionResult> {
  const student = new SimulatedStudent(options.hubUrl, name, options.password);
  const result: SessionResult = { name, ms: {}, student };
  let phase: Phase = 'login';
  try {
    await sleep(options.startDelayMs);
    result.ms.login = await student.login();
    phase = 'server ready';
    result.ms['server ready'] = await student.startServer();
    phase = 'kernel ready';
    const { cells } = await student.openNotebook(options.notebook);
    result.ms['kernel ready'] = await student.startKernel(options.notebook, options.kernelName);
    phase = 'whole notebook';
    const code = cells.filter((cell) => cell.cell_type === 'code')
      .map((cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source));
    const started = performance.now();
    const onOutput = (message: KernelMessage) => {
      if (result.ms['first chart'] === undefined && isChart(message)) result.ms['first chart'] = performance.now() - started;
    };
    for (const [index, source] of code.entries()) {
      if (index > 0) await sleep(options.thinkMs());
      // A cell without a reply (timeout, closed websocket) throws and ends the session as a failure.
      const cell = await student.execute(source, CELL_TIMEOUT_MS, onOutput).catch((error: Error) => {
        throw new Error(`code cell ${index + 1}: ${error.message}`);
      });
      if (cell.status !== 'ok' && !expectedError(cell.evalue)) {
        // The first one: later cells often fail only because of it (tslab forgets a failed cell's names).
        result.failure ??= { phase: 'cell', message: `code cell ${index + 1}: ${cell.status} ${cell.ename ?? ''}: ${cell.evalue ?? ''}` };
      }
    }
    result.ms['whole notebook'] = performance.now() - started;
    if (result.ms['first chart'] === undefined) result.failure ??= { phase: 'first chart', message: 'no chart output in the notebook' };
  } catch (error) {
    result.failure = { phase, message: (error as Error).message };
  }
  if (result.failure) options.onFailure?.(`${name}: ${result.failure.phase}: ${result.failure.message}`);
  return result;
}

/** With every student connected and idle: a trivial cell, `repeats` times each, think time between. */
export async function trivialCells(sessions: SessionResult[], repeats: number, thinkMs: () => number): Promise<{ ms: number[]; failures: string[] }> {
  const ms: number[] = [];
  const failures: string[] = [];
  // Students whose session failed are left out: their kernel may not answer at all.
  await Promise.all(sessions.filter((session) => session.student.kernelId && !session.failure).map(async (session) => {
    for (let i = 0; i < repeats; i++) {
      await sleep(thinkMs());
      try {
        const cell = await session.student.execute('1 + 1', 60_000);
        if (cell.status !== 'ok') throw new Error(`${cell.ename}: ${cell.evalue}`);
        ms.push(cell.ms);
      } catch (error) {
        failures.push(`${session.name}: trivial cell: ${(error as Error).message}`);
        return;
      }
    }
  }));
  return { ms, failures };
}
