/**
 * Runs over several seeds: a configuration asked for with `seeds: [1, 2, 3]` (on its spec, or on the
 * `runExperiments` call for every spec without its own) trains once per seed - each seed its own run,
 * with its own label ("Adam (seed 2)") and its own results-cache entry - and comes back as one
 * History: the mean over the seeds, epoch by epoch, with every seed's own history in `seeds`, from
 * which `curves` draws the spread as a band around the mean.
 */
import type { History, HistorySeries } from '../training/history';
import type { ExperimentSpec } from './spec';

/** The label of one seed's run of a configuration. */
export function seedRunLabel(label: string, seed: number): string {
  return `${label} (seed ${seed})`;
}

function checkSeeds(label: string, seeds: unknown): number[] {
  if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((seed) => Number.isSafeInteger(seed))) {
    throw new Error(`runExperiments: "${label}" has seeds = ${JSON.stringify(seeds)}; give a non-empty list of whole numbers, e.g. seeds: [1, 2, 3].`);
  }
  if (new Set(seeds).size !== seeds.length) {
    throw new Error(`runExperiments: "${label}" lists a seed twice (${JSON.stringify(seeds)}); each seed trains one run.`);
  }
  return seeds as number[];
}

/** The runs a sweep trains, and how to fold their histories back into one per configuration. */
export interface SeedExpansion {
  /** One spec per run to train: a configuration without seeds as it is, one with seeds once per seed. */
  runs: ExperimentSpec[];
  /** The histories of `runs` (same order) folded into one per configuration, keyed by its label. */
  combine(histories: History[]): Record<string, History>;
}

/** Expands every configuration with seeds (its own, else `callSeeds`) into one run per seed. */
export function expandSeeds(specs: ExperimentSpec[], callSeeds?: number[]): SeedExpansion {
  const groups = specs.map((spec) => {
    const { seeds: ownSeeds, ...rest } = spec;
    const wanted = ownSeeds ?? callSeeds;
    if (wanted === undefined) return { label: spec.label, seeds: undefined, runs: [rest] };
    const seeds = checkSeeds(spec.label, wanted);
    return { label: spec.label, seeds, runs: seeds.map((seed) => ({ ...rest, label: seedRunLabel(spec.label, seed), seed })) };
  });
  return {
    runs: groups.flatMap((group) => group.runs),
    combine(histories) {
      let next = 0;
      return Object.fromEntries(groups.map((group) => {
        const own = histories.slice(next, next + group.runs.length);
        next += group.runs.length;
        if (group.seeds === undefined) return [group.label, own[0]];
        return [group.label, meanOverSeeds(group.seeds.map((seed, i) => ({ seed, history: own[i] })))];
      }));
    },
  };
}

/**
 * The mean of several seeds' histories, epoch by epoch, over the epochs that every seed finished
 * (an early-stopped seed shortens it), with each seed's history kept in `seeds`.
 */
export function meanOverSeeds(seeds: { seed: number; history: History }[]): History {
  const epochs = Math.min(...seeds.map(({ history }) => history.epoch.length));
  const mean = (series: (number[] | undefined)[]) => Array.from({ length: epochs },
    (_, epoch) => series.reduce((sum, values) => sum + values![epoch], 0) / series.length);
  const keys = Object.keys(seeds[0].history.history).filter((key) => seeds.every(({ history }) => history.history[key]?.length));
  const history = Object.fromEntries(keys.map((key) => [key, mean(seeds.map((run) => run.history.history[key]))])) as HistorySeries;
  return {
    epoch: seeds[0].history.epoch.slice(0, epochs),
    history,
    params: seeds[0].history.params,
    epochSeconds: mean(seeds.map((run) => run.history.epochSeconds)),
    seeds,
  };
}
