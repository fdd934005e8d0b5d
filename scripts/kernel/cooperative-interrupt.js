// Lets the running cell stop by itself when the user presses Interrupt.
//
// Stock tslab answers SIGINT (Jupyter's Interrupt, since the kernel spec sets no interrupt_mode) by
// calling executor.interrupt(), which makes an awaited cell end at once with "Interrupted
// asynchronously" while the work it awaited goes on in the background: training keeps the CPU
// busy, and its output lands in later cells. (Synchronous code is stopped by Node's breakOnSigint,
// which tslab passes to vm; SIGINT never reaches this handler then.)
//
// Here, when anything listens for the `process` event 'kernelInterrupt' (the library's `fit` and
// `runExperiments` do while they run), SIGINT emits that event and gives the cell GRACE_MS to end
// by itself (the library stops at the next batch and rejects with its TrainingInterrupted). Only if
// the same cell still runs after that does tslab's own interrupt abandon it. Between cells the
// event goes out too (to training that a cell started without awaiting it). With no listener,
// stock behaviour.
//
// It also emits 'kernelCellStart' before each cell and 'kernelCellEnd' ({ ok }) after it, so that
// the library can put TensorFlow.js in order after a cell that breakOnSigint cut short (see
// lib/engine-repair.ts). The event names are KERNEL_*_EVENT in lib/interrupt.ts.
//
// It wraps the executor that tslab's createExecutor returns (both `execute` and `interrupt`), and
// composes with other adaptations that wrap createExecutor, in either order.
'use strict';

const INTERRUPT_EVENT = 'kernelInterrupt';
const CELL_START_EVENT = 'kernelCellStart';
const CELL_END_EVENT = 'kernelCellEnd';
/** How long a listening cell gets to stop by itself; INTERRUPT_GRACE_MS in lib/interrupt.ts. */
const GRACE_MS = 2000;

/** Emits `event` on process; a listener that throws must not break the kernel's interrupt or cell. */
function emit(event, ...args) {
  try {
    process.emit(event, ...args);
  } catch (error) {
    console.error(`A '${event}' listener failed:`, error);
  }
}

/**
 * Wraps `executor.execute` and `executor.interrupt` in place (so every holder of the executor sees
 * the wrapped ones) and returns the executor. `graceMs` defaults to GRACE_MS.
 */
function cooperativeExecutor(executor, graceMs = GRACE_MS) {
  const { execute, interrupt } = executor;
  let cells = 0;
  let running = null; // the number of the cell being executed, or null between cells

  executor.execute = async function (...args) {
    const cell = ++cells;
    running = cell;
    emit(CELL_START_EVENT);
    let ok = false;
    try {
      ok = await execute.apply(this, args);
      return ok;
    } finally {
      if (running === cell) running = null;
      emit(CELL_END_EVENT, { ok: ok !== false });
    }
  };

  executor.interrupt = function (...args) {
    if (process.listenerCount(INTERRUPT_EVENT) === 0) return interrupt.apply(this, args);
    // Also between cells: training that a cell started without awaiting it listens too.
    emit(INTERRUPT_EVENT);
    const cell = running;
    if (cell === null) return interrupt.apply(this, args); // no cell to wait for; harmless, as in stock tslab
    setTimeout(() => {
      if (running === cell) interrupt.apply(this, args);
    }, graceMs).unref();
  };
  return executor;
}

const adapted = new WeakSet(); // executor modules already adapted

/** Replaces `executorModule.createExecutor` with one that returns cooperative executors. Idempotent. */
function cooperativeInterrupt(executorModule, graceMs = GRACE_MS) {
  if (adapted.has(executorModule)) return;
  adapted.add(executorModule);
  const createExecutor = executorModule.createExecutor;
  executorModule.createExecutor = function (...args) {
    return cooperativeExecutor(createExecutor.apply(this, args), graceMs);
  };
}

module.exports = {
  name: 'cooperativeInterrupt',
  GRACE_MS,
  cooperativeExecutor,
  cooperativeInterrupt,
  /** @param {{ executor: any }} tslab */
  apply: (tslab) => cooperativeInterrupt(tslab.executor),
};
