/**
 * Stopping training cleanly when the user presses Interrupt in Jupyter.
 *
 * Jupyter interrupts a kernel with SIGINT. Stock tslab then abandons an awaited cell while its work
 * goes on in the background. The project's kernel launcher (scripts/kernel/cooperative-interrupt.js)
 * first emits {@link KERNEL_INTERRUPT_EVENT} on `process` when anything listens, and gives the cell
 * {@link INTERRUPT_GRACE_MS} to stop by itself. The library's long calls (`fit`, `runExperiments`)
 * listen while they run: they stop at the next batch, free what the stopped step held, and reject
 * with a {@link TrainingInterrupted} that says what stopped and where the finished work is kept.
 *
 * To hear the event at all, a long call must give the event loop a turn now and then: see
 * {@link EventLoopYielder}. (An interrupt that lands in synchronous code is handled by Node's
 * `breakOnSigint` instead; lib/engine-repair.ts cleans TensorFlow.js up after it.)
 *
 * The library never imports tslab: outside a kernel nobody emits the event, and Ctrl+C ends a
 * script as usual.
 */
import type { History } from './training/history';

/** The `process` event the kernel launcher emits on Interrupt (no arguments). */
export const KERNEL_INTERRUPT_EVENT = 'kernelInterrupt';

/**
 * The `process` events the kernel launcher emits around every cell: start (no arguments) and end
 * (one argument, `{ ok: boolean }`, false when the cell failed, was interrupted or was abandoned).
 */
export const KERNEL_CELL_START_EVENT = 'kernelCellStart';
export const KERNEL_CELL_END_EVENT = 'kernelCellEnd';

/**
 * How long the kernel launcher waits, after emitting {@link KERNEL_INTERRUPT_EVENT}, for the
 * running cell to end by itself before it abandons the cell as stock tslab does. Kept in step
 * with GRACE_MS in scripts/kernel/cooperative-interrupt.js; a listener must stop well within it.
 */
export const INTERRUPT_GRACE_MS = 2000;

/** Calls `onInterrupt` when the kernel is interrupted, until the returned function is called. */
export function listenForInterrupt(onInterrupt: () => void): () => void {
  process.on(KERNEL_INTERRUPT_EVENT, onInterrupt);
  return () => {
    process.off(KERNEL_INTERRUPT_EVENT, onInterrupt);
  };
}

/** Longest stretch of work between two turns of the event loop, by default. */
export const YIELD_INTERVAL_MS = 200;

/** Resolves on the next turn of the event loop, after pending I/O and signals have been handled. */
export function yieldToEventLoop(): Promise<void> {
  // setImmediate, not a timer: it runs right after the poll phase (where SIGINT and the kernel's
  // zeromq sockets are read) without the 1 ms floor and clamping of setTimeout.
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Lets a long synchronous loop give the event loop a turn every `intervalMs` of work, so that the
 * kernel hears Interrupt and answers requests while it runs. Checking {@link due} costs one clock
 * read, so a loop can check it after every batch:
 *
 *     if (yielder.due()) await yielder.yield();
 *
 * `intervalMs` defaults to {@link YIELD_INTERVAL_MS}.
 */
export class EventLoopYielder {
  private last = performance.now();

  constructor(private readonly intervalMs = YIELD_INTERVAL_MS) {}

  /** Whether `intervalMs` of work have passed since the last yield (or since construction). */
  due(): boolean {
    return performance.now() - this.last >= this.intervalMs;
  }

  /** Gives the event loop a turn, then restarts the clock. */
  async yield(): Promise<void> {
    await yieldToEventLoop();
    this.last = performance.now();
  }
}

/** What an interrupted call finished before it stopped. */
export interface InterruptedWork {
  /** `fit`: the finished epochs of the stopped run. */
  history?: History;
  /** `runExperiments`: every run by label, finished runs whole, stopped runs with their finished epochs. */
  runs?: Record<string, History>;
}

/** Thrown (as a rejection) by a library call that an Interrupt stopped. */
export class TrainingInterrupted extends Error {
  override name = 'TrainingInterrupted';

  constructor(
    message: string,
    /** What the call finished before it stopped; also returned by {@link interrupted}. */
    readonly kept: InterruptedWork,
  ) {
    super(message);
    lastInterrupted = kept;
  }
}

let lastInterrupted: InterruptedWork | undefined;

/** What the most recent interrupted call had finished, or undefined when none was interrupted. */
export function interrupted(): InterruptedWork | undefined {
  return lastInterrupted;
}
