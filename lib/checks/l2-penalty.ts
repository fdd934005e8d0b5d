/**
 * Check of notebook 3's from-scratch L2 penalty: for the course network, built with an L2 factor
 * lambda, the student's penalty must equal the one the model adds to its loss (Keras's
 * `kernel_regularizer=l2(lambda)` on both Dense kernels, as `dl.buildCompile` sets it).
 *
 * The biases are set to non-zero values first (a fresh network's are all 0), so that a penalty
 * that also sums the biases shows; and two factors are tried, so that one that ignores its
 * `lambda` argument shows too.
 */
import * as tf from '@tensorflow/tfjs';
import { buildCompile } from '../models';
import { CheckFailed, passed } from './check-failed';
import { requireFiniteNumber, shown, studentCode } from './student-code';

/** The student's penalty: lambda times the sum of the squared entries of every kernel of `model`. */
export type L2PenaltyFromScratch = (model: tf.LayersModel, lambda: number) => number;

export interface L2PenaltyCheckOptions {
  /** The L2 factors tried, one network each. Defaults to `[0.001, 0.01]`: the course's, and a second one. */
  lambdas?: number[];
  /** The largest relative difference allowed (the library sums 100,000 squares in float32, good to about 1e-5). Defaults to `1e-4`. */
  tolerance?: number;
  /** Seed of the networks' initial weights. Defaults to `1`. */
  seed?: number;
}

/** The value every bias is set to before the comparison. */
const BIAS = 0.1;

/** The penalty the model itself adds to its loss: the sum of its layers' regularization losses. */
function modelPenalty(model: tf.LayersModel): number {
  return tf.tidy(() => tf.addN(model.layers.flatMap((layer) => layer.calculateLosses())).dataSync()[0]);
}

/** lambda times the sum of the squared biases: what a penalty that wrongly includes them adds. */
function biasPenalty(model: tf.LayersModel, lambda: number): number {
  return tf.tidy(() => model.layers.flatMap((layer) => layer.getWeights().filter((w) => w.shape.length === 1))
    .reduce((sum, b) => sum + lambda * tf.sum(tf.square(b)).dataSync()[0], 0));
}

/**
 * Checks the student's `penalty(model, lambda)` against the model's own L2 penalty.
 *
 * @returns "passed: your L2 penalty equals the model's own (lambda = 0.001, 0.01) to 1e-4"
 * @throws CheckFailed with the factor, what was computed and what was expected (and a hint when
 *   the difference is exactly the biases' share), or "... is not implemented yet".
 */
export function l2Penalty(penalty: L2PenaltyFromScratch, options: L2PenaltyCheckOptions = {}): string {
  const { lambdas = [0.001, 0.01], tolerance = 1e-4, seed = 1 } = options;
  const what = 'your L2 penalty';
  for (const lambda of lambdas) {
    const model = buildCompile('Adam', { l2: lambda, seed });
    try {
      for (const layer of model.layers) {
        const weights = layer.getWeights();
        if (weights.length !== 2) continue;
        const bias = tf.fill(weights[1].shape, BIAS);
        layer.setWeights([weights[0], bias]);
        bias.dispose();
      }
      const expected = modelPenalty(model);
      // tidy: the tensors the student's code makes on the way are freed with the check's.
      const ours = requireFiniteNumber(studentCode(what, () => tf.tidy(() => penalty(model, lambda))),
        `With lambda = ${lambda}, ${what}`);
      if (!(Math.abs(ours - expected) <= tolerance * Math.abs(expected))) {
        const biases = biasPenalty(model, lambda);
        const hint = Math.abs(ours - expected - biases) <= tolerance * Math.abs(expected)
          ? ' The difference is the biases\' share: only the kernels (the 2-D weights) are penalised.'
          : '';
        throw new CheckFailed(`${what} differs from the model's own (dl.buildCompile('Adam', { l2: ${lambda} }), biases set to ${BIAS}): ` +
          `got ${shown(ours)}, expected ${shown(expected)}.${hint}`);
      }
    } finally {
      model.dispose();
    }
  }
  return passed(`${what} equals the model's own on the course network (lambda = ${lambdas.join(', ')}) to ${tolerance.toExponential()}, relative`);
}
