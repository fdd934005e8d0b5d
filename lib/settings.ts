/**
 * The parameters of a course run, read from the environment so that one
 * notebook serves both a quick check and the full course:
 *
 * | variable                     | meaning                               | course value |
 * |------------------------------|---------------------------------------|--------------|
 * | `DESCENT_LAB_QUICK=1`        | 2 epochs on 2,000 + 500 samples       | off          |
 * | `DESCENT_LAB_EPOCHS`         | epochs per run                        | 50           |
 * | `DESCENT_LAB_BATCH_SIZE`     | samples per step                      | 32           |
 * | `DESCENT_LAB_TRAIN_SAMPLES`  | training images used                  | 60000        |
 * | `DESCENT_LAB_TEST_SAMPLES`   | test images used for validation       | 10000        |
 * | `DESCENT_LAB_DATASET`        | `mnist` or `fashion-mnist`            | mnist        |
 * | `DESCENT_LAB_SEED`           | seed of weights and shuffling         | 1            |
 */
import { requireInteger } from './validate';

export type DatasetName = 'mnist' | 'fashion-mnist';

export interface CourseSettings {
  /** Epochs per run. Defaults to `50`. */
  epochs: number;
  /** Samples per gradient step. Defaults to `32`. */
  batchSize: number;
  /** Training images used, the first n. Defaults to `60000`. */
  trainSamples: number;
  /** Test images used as validation data, the first n. Defaults to `10000`. */
  testSamples: number;
  /** Which images. Defaults to `'mnist'`. */
  dataset: DatasetName;
  /** Seed of the initial weights and the shuffling. Defaults to `1`. */
  seed: number;
}

export const COURSE_SETTINGS: Readonly<CourseSettings> = Object.freeze({
  epochs: 50, batchSize: 32, trainSamples: 60_000, testSamples: 10_000, dataset: 'mnist', seed: 1,
});

export const QUICK_SETTINGS: Readonly<CourseSettings> = Object.freeze({
  ...COURSE_SETTINGS, epochs: 2, trainSamples: 2_000, testSamples: 500,
});

function integerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  return requireInteger('courseSettings', `${name} (environment)`, value, min);
}

/** The course's settings, or the quick ones, with any environment overrides applied. */
export function courseSettings(env: NodeJS.ProcessEnv = process.env): CourseSettings {
  const base = env.DESCENT_LAB_QUICK === '1' || env.DESCENT_LAB_QUICK === 'true' ? QUICK_SETTINGS : COURSE_SETTINGS;
  const dataset = (env.DESCENT_LAB_DATASET || base.dataset) as DatasetName;
  if (dataset !== 'mnist' && dataset !== 'fashion-mnist') {
    throw new Error(`courseSettings: DESCENT_LAB_DATASET must be "mnist" or "fashion-mnist", got "${dataset}".`);
  }
  return {
    epochs: integerFromEnv(env, 'DESCENT_LAB_EPOCHS', base.epochs, 1),
    batchSize: integerFromEnv(env, 'DESCENT_LAB_BATCH_SIZE', base.batchSize, 1),
    trainSamples: integerFromEnv(env, 'DESCENT_LAB_TRAIN_SAMPLES', base.trainSamples, 1),
    testSamples: integerFromEnv(env, 'DESCENT_LAB_TEST_SAMPLES', base.testSamples, 1),
    dataset,
    seed: integerFromEnv(env, 'DESCENT_LAB_SEED', base.seed, 0),
  };
}
