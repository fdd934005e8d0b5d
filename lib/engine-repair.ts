/**
 * Puts TensorFlow.js's engine back in order after an Interrupt stopped synchronous code.
 *
 * tslab runs a cell's synchronous part with Node's `breakOnSigint`: an Interrupt then terminates
 * V8 on the spot, and no `finally` runs. Caught inside `tf.tidy`, an op or a `tf.grad`, the engine
 * keeps the scopes they opened (the next tensors are tracked by a scope nobody will close), a
 * kernel depth above 0 (which turns the gradient tape off for good: `tf.grad` then fails with
 * "Cannot compute gradient of y=f(x) with respect to x") and a tape that keeps growing.
 *
 * The kernel launcher (scripts/kernel/cooperative-interrupt.js) announces every cell's start and
 * end on `process`. A failed cell that left scopes open above those that were open when it started
 * (the user may keep one open across cells with `tf.engine().startScope()`) had them cut short,
 * since a thrown error closes every `tf.tidy` scope on its way out: this module closes them,
 * freeing what they tracked, and resets the counters. Outside the kernel nothing is announced.
 */
import * as tf from '@tensorflow/tfjs';
import { KERNEL_CELL_END_EVENT, KERNEL_CELL_START_EVENT } from './interrupt';

/** The parts of the engine's (internal) state this module repairs. */
interface EngineState {
  scopeStack: { track: tf.Tensor[] }[];
  activeScope: unknown;
  kernelDepth: number;
  gradientDepth: number;
  activeTape?: { saved?: tf.Tensor[] }[] | null;
  numDataMovesStack: number[];
}

function engineState(): EngineState {
  return (tf.engine() as unknown as { state: EngineState }).state;
}

/** What {@link repairEngine} found and put right. */
export interface EngineRepair {
  /** Scopes closed (their tensors freed). */
  scopes: number;
  /** Whether the kernel depth, gradient depth or tape had to be reset. */
  counters: boolean;
}

/**
 * Closes every engine scope above the first `keepScopes`, freeing the tensors they tracked, and
 * resets the kernel depth, gradient depth and tape, which are only ever non-zero inside a
 * synchronous TensorFlow.js call. Call it only where no TensorFlow.js call is on the stack (at the
 * top of a turn of the event loop). `keepScopes` defaults to 0.
 */
export function repairEngine(keepScopes = 0): EngineRepair {
  const state = engineState();
  const engine = tf.engine();
  let scopes = 0;
  while (state.scopeStack.length > keepScopes) {
    engine.endScope(undefined as unknown as tf.TensorContainer);
    scopes++;
  }
  const counters = state.kernelDepth !== 0 || state.gradientDepth !== 0 || state.activeTape != null || state.numDataMovesStack.length > 0;
  if (counters) {
    for (const node of state.activeTape ?? []) tf.dispose(node.saved ?? []);
    state.kernelDepth = 0;
    state.gradientDepth = 0;
    state.activeTape = null;
    state.numDataMovesStack = [];
  }
  return { scopes, counters };
}

/** How many engine scopes are open right now. */
export function openScopes(): number {
  return engineState().scopeStack.length;
}

// Registered once per process, even if several copies of the library are loaded.
const registered = Symbol.for('descent-lab.engineRepair');
const processFlags = process as unknown as Record<symbol, boolean>;
if (!processFlags[registered]) {
  processFlags[registered] = true;
  // This module loads during some cell: scopes open then were opened before it.
  let scopesAtCellStart = openScopes();
  process.on(KERNEL_CELL_START_EVENT, () => { scopesAtCellStart = openScopes(); });
  process.on(KERNEL_CELL_END_EVENT, (result?: { ok?: boolean }) => {
    if (result?.ok !== false) return;
    // Silent: the cell's own error (e.g. "Script execution was interrupted by `SIGINT`") says what happened.
    repairEngine(Math.min(scopesAtCellStart, openScopes()));
  });
}
