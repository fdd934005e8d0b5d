/**
 * Stopping training cleanly when the user presses Interrupt in Jupyter.
 *
 * Jupyter interrupts a kernel with SIGINT. Stock tslab then abandons an awaited cell while its work
 * goes on in the background. The project's kernel launcher (scripts/kernel/cooperative-interrupt.js)
 * first emits {@link KERNEL_INTERRUPT_EVENT} on `process` when anything listens, and gives the cell
 * a moment to stop by itself. The library's long calls (`fit`, `runExperiments`) listen while they
 * run: they stop at the next batch, free what the stopped step held, and reject with a
 * {@link TrainingInterrupted} that says what stopped and where the finished work is kept.
 *
 * The library never imports tslab: outside a kernel nobody emits the event, and Ctrl+C ends a
 * script as usual.
 */
import type { History } from './training/history';

/** The `process` event the kernel launcher emits on Interrupt. */
export const KERNEL_INTERRUPT_EVENT = 'kernelInterrupt';

/** Calls `onInterrupt` when the kernel is interrupted, until the returned function is called. */
export function listenForInterrupt(onInterrupt: () => void): () => void {
  process.on(KERNEL_INTERRUPT_EVENT, onInterrupt);
  return () => {
    process.off(KERNEL_INTERRUPT_EVENT, onInterrupt);
  };
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
