/**
 * What an Interrupt leaves of a sweep: every run's finished epochs, and the one-line message the
 * call rejects with. While the sweep trains, `SweepEpochs` keeps each run's epochs as they are
 * reported (workers are terminated on an Interrupt, so their epochs must already be on this side);
 * `sweepInterrupted` turns that into the `TrainingInterrupted` the user sees.
 */
import { TrainingInterrupted } from '../interrupt';
import type { CourseSettings } from '../settings';
import type { EpochLogs } from '../training/callbacks';
import { emptyHistory, recordEpoch, type History } from '../training/history';

/** The finished epochs of each run of a sweep, as they are reported. */
export class SweepEpochs {
  private readonly histories: History[];

  constructor(runs: number, settings: CourseSettings) {
    const { epochs, batchSize, trainSamples: samples } = settings;
    const params = { epochs, batchSize, samples, steps: Math.ceil(samples / batchSize) };
    this.histories = Array.from({ length: runs }, () => emptyHistory({ ...params }));
  }

  /** Records that run `index` finished `epoch` (reported once per epoch, in order). */
  epochEnd(index: number, epoch: number, logs: EpochLogs, seconds: number): void {
    recordEpoch(this.histories[index], epoch, logs, seconds);
  }

  /** Replaces run `index`'s epochs by a history known to be exact (the one an interrupted `fit` kept). */
  replace(index: number, history: History): void {
    this.histories[index] = history;
  }

  of(index: number): History {
    return this.histories[index];
  }
}

/** Where a stopped run was: the epoch it was in and, when its progress bar had shown it, the batch. */
export interface StoppedAt {
  label: string;
  /** The epoch being trained, from 1. */
  epoch: number;
  /** The last batch its progress bar showed, from 1, with the epoch's batch count; absent before the first redraw. */
  batch?: { at: number; of: number };
}

/**
 * Where a run stopped, from its finished epochs and its progress bar (`"9600/60000 [=====>..."`,
 * samples done of samples per epoch), the same text the sweep's status line shows.
 */
export function stoppedAt(label: string, history: History, progress: string): StoppedAt {
  const epoch = history.epoch.length + 1;
  const done = /(\d+)\/(\d+)/.exec(progress);
  const { batchSize, steps } = history.params;
  if (!done) return { label, epoch };
  return { label, epoch, batch: { at: Math.max(1, Math.ceil(Number(done[1]) / batchSize)), of: steps } };
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

const runs = (count: number) => `${count} run${count === 1 ? '' : 's'}`;

export interface SweepOutcome {
  /** Every label, in the sweep's order. */
  labels: string[];
  /** The histories of the finished runs (trained or from the cache); undefined for the others. */
  finished: (History | undefined)[];
  /** The finished epochs of each run that is not finished. */
  partial: SweepEpochs;
  /** The runs that were training when the Interrupt came. */
  stopped: StoppedAt[];
  /** Whether the finished runs are in the results cache. */
  cached: boolean;
}

/**
 * The rejection of an interrupted sweep: `runs` holds every run by label (finished runs whole, the
 * others with their finished epochs, possibly none), and the message says in one line what stopped
 * and where the finished work is, e.g. "stopped Adam (epoch 12, batch 300 of 1875);
 * the 5 finished runs are in the results cache; dl.interrupted().runs holds every run's finished epochs."
 */
export function sweepInterrupted({ labels, finished, partial, stopped, cached }: SweepOutcome): TrainingInterrupted {
  const kept = Object.fromEntries(labels.map((label, index) => [label, finished[index] ?? partial.of(index)]));
  // Say in each unfinished history why it ended, as fit does in the history of a run it stopped.
  for (const { label, epoch, batch } of stopped) {
    kept[label].stopReason ??= `interrupted in epoch ${epoch}${batch ? ` at batch ${batch.at} of ${batch.of}` : ''}`;
  }
  labels.forEach((label, index) => { if (!finished[index]) kept[label].stopReason ??= 'interrupted before it started'; });
  const finishedCount = finished.filter(Boolean).length;
  const notStarted = labels.length - finishedCount - stopped.length;
  const where = ({ label, epoch, batch }: StoppedAt) => `${label} (epoch ${epoch}${batch ? `, batch ${batch.at} of ${batch.of}` : ''})`;
  const what = [
    ...(stopped.length > 0 ? [`stopped ${listed(stopped.map(where))}`] : []),
    ...(notStarted > 0 ? [`${runs(notStarted)} not started`] : []),
  ].join(', ');
  const done = finishedCount === 0 ? 'no run had finished'
    : cached ? `the ${finishedCount === 1 ? 'finished run is' : `${finishedCount} finished runs are`} in the results cache`
      : `${runs(finishedCount)} had finished (the cache is off)`;
  return new TrainingInterrupted(`${what}; ${done}; dl.interrupted().runs holds every run's finished epochs.`, { runs: kept });
}
