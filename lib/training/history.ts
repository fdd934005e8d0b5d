/** What `fit` returns: Keras's `History`, with the reason a run ended early. */
import type { WeightSnapshots } from '../landscape/snapshots';

/** Per-epoch series keyed as Keras keys them. `lr` appears when a schedule runs. */
export interface HistorySeries {
  loss: number[];
  acc: number[];
  val_loss?: number[];
  val_acc?: number[];
  lr?: number[];
  [key: string]: number[] | undefined;
}

/** Where a run's loss stopped being a finite number. */
export interface Divergence {
  /** Epoch index, from 0. */
  epoch: number;
  /** Batch index within that epoch, from 0. */
  batch: number;
  /** The loss seen: NaN or +-Infinity. */
  loss: number;
}

export interface History {
  /** Indices of the epochs that finished, from 0 (Keras's `history.epoch`). */
  epoch: number[];
  /** One value per finished epoch for each key. */
  history: HistorySeries;
  /** The run's settings, as Keras's `history.params`. */
  params: { epochs: number; batchSize: number; samples: number; steps: number };
  /** Wall time of each finished epoch in seconds, validation included. */
  epochSeconds: number[];
  /** Why the run ended before `epochs`, when it did (early stopping, a callback, divergence). */
  stopReason?: string;
  /** Set when the loss turned NaN or infinite; the epochs before it are kept. */
  divergence?: Divergence;
  /**
   * Set on a configuration trained for several seeds (`runExperiments` with `seeds`): each seed's
   * own history; the fields above are then their mean (see lib/experiments/seeds.ts).
   */
  seeds?: { seed: number; history: History }[];
  /** The weights at a few epochs, when the run was asked to keep them (`ExperimentSpec.snapshots`). */
  snapshots?: WeightSnapshots;
}

/** An empty history for a run about to start. */
export function emptyHistory(params: History['params']): History {
  return { epoch: [], history: { loss: [], acc: [] }, params, epochSeconds: [] };
}

/** Appends one finished epoch's logs, key by key. */
export function recordEpoch(history: History, epoch: number, logs: Record<string, number>, seconds: number): void {
  history.epoch.push(epoch);
  history.epochSeconds.push(seconds);
  for (const [key, value] of Object.entries(logs)) {
    (history.history[key] ??= []).push(value);
  }
}
