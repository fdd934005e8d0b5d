/**
 * Comparing finished runs, as every course notebook does at its end: one chart line per run for a
 * metric, and a table of each run's last epoch. `runs` is what `runExperiments` returns (label ->
 * History), or several of those spread into one object; its key order is the legend's and the
 * table's order.
 */
import type { Series } from '../charts/series';
import type { History, HistorySeries } from './history';

/** A history key to draw: 'acc' is measured on the training batches, 'val_acc' on the test set after each epoch. */
export type CurveMetric = Extract<keyof HistorySeries, string>;

/**
 * One chart line per run: `metric` of each run's history, epoch by epoch, named by the run's label.
 * A run trained for several seeds is drawn as their mean in a band from the lowest to the highest
 * seed at each epoch. Pass the result to `showChart`.
 *
 * @throws Error naming the run when one has no values for `metric` (e.g. 'val_acc' of a run trained
 *   without validation data), rather than an empty line.
 */
export function curves(runs: Record<string, History>, metric: CurveMetric): Series[] {
  return Object.entries(runs).map(([name, run]) => {
    const y = run.history[metric];
    if (!y || y.length === 0) {
      const keys = Object.keys(run.history).filter((key) => (run.history[key]?.length ?? 0) > 0).join(', ');
      throw new Error(`curves: run "${name}" has no "${metric}" values (it has ${keys || 'none'}); ` +
        'pick one of those, or train it with validationData for val_loss and val_acc.');
    }
    return run.seeds ? { name, y, band: seedBand(run.seeds, metric, y.length) } : { name, y };
  });
}

/**
 * The spread of a run's seeds: the lowest and the highest seed at each epoch (min-max, not a
 * standard deviation: with three seeds every seed's curve lies inside the band, which a reader can check).
 */
function seedBand(seeds: NonNullable<History['seeds']>, metric: CurveMetric, epochs: number): { low: number[]; high: number[] } {
  const at = (epoch: number) => seeds.map(({ history }) => history.history[metric]?.[epoch] ?? NaN);
  return {
    low: Array.from({ length: epochs }, (_, epoch) => Math.min(...at(epoch))),
    high: Array.from({ length: epochs }, (_, epoch) => Math.max(...at(epoch))),
  };
}

/** How `finalFigures` lays out its table. */
export interface FinalFiguresOptions {
  /** Width of the run column. Defaults to `22`, widened to fit the longest label and a space. */
  labelWidth?: number;
  /** Decimals of each figure. Defaults to `4`, as Keras's logs. */
  digits?: number;
}

/** Defaults of {@link FinalFiguresOptions}. */
export const FINAL_FIGURES_DEFAULTS: Required<FinalFiguresOptions> = { labelWidth: 22, digits: 4 };

/** The table's figure columns: heading, history key and width (the heading's with its leading spaces). */
const COLUMNS: readonly { heading: string; key: CurveMetric; width: number }[] = [
  { heading: 'train acc', key: 'acc', width: 11 },
  { heading: 'test acc', key: 'val_acc', width: 10 },
  { heading: 'test loss', key: 'val_loss', width: 11 },
];
const EPOCHS_WIDTH = 6;

/**
 * The last epoch's figures of each run as a text table: epochs trained, training accuracy, test
 * accuracy and test loss (the loss includes an L2 penalty, as in Keras). A run without a figure
 * shows `-` in its place.
 */
export function finalFiguresTable(runs: Record<string, History>, options: FinalFiguresOptions = {}): string {
  const { digits } = { ...FINAL_FIGURES_DEFAULTS, ...options };
  const longest = Math.max(0, ...Object.keys(runs).map((name) => name.length + 1));
  const labelWidth = Math.max(options.labelWidth ?? FINAL_FIGURES_DEFAULTS.labelWidth, longest);
  const last = (values: number[] = []) => (values.length ? values[values.length - 1].toFixed(digits) : '-');
  const header = `${'run'.padEnd(labelWidth)}${'epochs'.padStart(EPOCHS_WIDTH)}` +
    COLUMNS.map(({ heading, width }) => heading.padStart(width)).join('');
  const rows = Object.entries(runs).map(([name, run]) => `${name.padEnd(labelWidth)}${String(run.epoch.length).padStart(EPOCHS_WIDTH)}` +
    COLUMNS.map(({ key, width }) => last(run.history[key]).padStart(width)).join(''));
  return [header, ...rows].join('\n');
}

/** Prints {@link finalFiguresTable} to the cell's output (console.log). */
export function finalFigures(runs: Record<string, History>, options: FinalFiguresOptions = {}): void {
  console.log(finalFiguresTable(runs, options));
}
