/**
 * Gradients of a plain dense network written out by hand, so that `fit` can
 * skip the autodiff tape for the course's models.
 *
 * The tape records every op of the forward pass and replays a gradient op for
 * each, and on the wasm backend each op costs more in bookkeeping than in
 * arithmetic. For a stack of Dense layers the backward pass is short enough to
 * write down:
 *
 *     forward      a0 = flatten(x);  z_i = a_{i-1} W_i + b_i;  a_i = act(z_i) * mask_i
 *     head         loss, right answers and dz_last from the logits (cross-entropy-head.ts:
 *                  softmax, output dropout, Keras's renormalizing loss and their gradients)
 *     hidden       da_{i-1} = dz_i W_i^T;  dz_{i-1} = da_{i-1} * mask_{i-1} * step(z_{i-1}) for relu
 *     weights      dW_i = a_{i-1}^T dz_i + 2 * l2 * W_i;  db_i = colsum(dz_i)
 *
 * The products with the images skip their black pixels (sparse-mat-mul.ts).
 * The L2 term (and the penalty's value for the loss) is left to the update:
 * `applyWithPenalties` folds it into the optimizer's kernel, reading the weights
 * once, and leaves out weights too small for 2 * l2 * W_i to be a normal float,
 * as TensorFlow's flush-to-zero would. Only the
 * layer kinds the course uses are understood - Flatten, Dense with relu, linear or
 * softmax (last), Dropout, an L2 kernel penalty - and `densePlan` returns
 * undefined for anything else, so that `fit` falls back to the tape.
 */
import * as tf from '@tensorflow/tfjs';
import { l2GradientAndSquares } from '../kernels/l2-gradient';
import type { DescentOptimizer } from '../optimizers/base';
import { matMulSkippingZeros, transposedMatMulSkippingZeros } from '../kernels/sparse-mat-mul';
import { crossEntropyHead } from './cross-entropy-head';

type Activation = 'relu' | 'linear' | 'softmax';

/** One Dense layer as the backward pass needs it. */
interface DenseStage {
  kernel: tf.Variable;
  bias: tf.Variable | undefined;
  activation: Activation;
  /** The L2 factor of the kernel penalty (0 for none). */
  l2: number;
  /** Dropout rate applied to this layer's output (0 for none). */
  dropout: number;
}

/** A model that `denseGradients` can train: its Dense stages in order. */
export interface DensePlan {
  stages: DenseStage[];
}

type LayerConfig = { kernelRegularizer?: { className: string; config: { l1?: number; l2?: number } } | null } & Record<string, unknown>;

function l2Factor(config: LayerConfig): number | undefined {
  const regularizer = config.kernelRegularizer;
  if (!regularizer) return 0;
  if (regularizer.className !== 'L1L2' || (regularizer.config.l1 ?? 0) !== 0) return undefined;
  return regularizer.config.l2 ?? 0;
}

/** The model's Dense stages, or undefined when it holds anything the hand-written pass does not cover. */
export function densePlan(model: tf.LayersModel): DensePlan | undefined {
  const stages: DenseStage[] = [];
  for (const [index, layer] of model.layers.entries()) {
    const kind = layer.getClassName();
    const config = layer.getConfig() as LayerConfig;
    if (kind === 'Flatten' && index === 0) continue;
    if (kind === 'Dropout' && stages.length > 0 && stages[stages.length - 1].dropout === 0) {
      if (config.noiseShape || config.seed !== undefined) return undefined;
      stages[stages.length - 1].dropout = config.rate as number;
      continue;
    }
    if (kind !== 'Dense') return undefined;
    const activation = config.activation as string;
    const l2 = l2Factor(config);
    const softmaxNotLast = stages.some((stage) => stage.activation === 'softmax');
    if (!['relu', 'linear', 'softmax'].includes(activation) || l2 === undefined || softmaxNotLast
      || config.biasRegularizer || config.activityRegularizer || config.kernelConstraint || config.biasConstraint) {
      return undefined;
    }
    const [kernel, bias] = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
    if (!kernel || layer.trainableWeights.length !== (config.useBias ? 2 : 1)) return undefined;
    stages.push({ kernel, bias: config.useBias ? bias : undefined, activation: activation as Activation, l2, dropout: 0 });
  }
  const last = stages[stages.length - 1];
  return last?.activation === 'softmax' ? { stages } : undefined;
}

/** Makes a dropout mask: 0 where a unit is dropped, 1 / (1 - rate) where it is kept. */
export type MaskMaker = (shape: number[], rate: number) => tf.Tensor;

/** Keras's dropout mask, scaled so that the expected activation is unchanged. */
export function dropoutMask(shape: number[], rate: number, seed?: number): tf.Tensor {
  return tf.div(tf.cast(tf.greaterEqual(tf.randomUniform(shape, 0, 1, 'float32', seed), rate), 'float32'), 1 - rate);
}

/**
 * Dropout masks drawn from `random`, a fresh seed for every mask, so that a seeded
 * run drops the same units every time it is repeated. (A fixed seed would draw
 * the same mask at every step, as tfjs's seeded Dropout layer does.)
 */
export function seededDropoutMasks(random: () => number): MaskMaker {
  return (shape, rate) => dropoutMask(shape, rate, Math.floor(random() * 2 ** 31));
}

/** What one training batch yields: the loss and gradients without the L2 penalties, the number of right answers, the penalties. */
// A type rather than an interface, so that tf.tidy accepts it as a tensor container.
export type DenseStep = {
  /** The batch's loss, without the L2 penalties (their value needs the weights the update reads). */
  loss: number;
  correct: number;
  /** The loss's gradients, without the L2 penalties' part. */
  grads: tf.NamedTensorMap;
  /** The L2 factor of each penalized kernel, by variable name: `applyWithPenalties` adds the rest. */
  l2: Record<string, number>;
};

/**
 * One Dense layer's forward pass up to its activation; a softmax is left to the head. (Not
 * tf.fused.matMul: on wasm it repacks the new kernel matrix at every step, see batch-mat-mul.ts.)
 */
function denseForward(stage: DenseStage, input: tf.Tensor2D): tf.Tensor2D {
  const z = matMulSkippingZeros(input, stage.kernel as tf.Tensor2D);
  const biased = stage.bias ? tf.add(z, stage.bias) : z;
  return (stage.activation === 'relu' ? tf.relu(biased) : biased) as tf.Tensor2D;
}

/**
 * Loss (without penalties) and accuracy count of one batch in inference mode (no dropout),
 * through the same forward pass and head as training: what `evaluate` needs of a batch.
 */
export function denseEvaluation(plan: DensePlan, x: tf.Tensor, labels: tf.Tensor1D): { loss: number; correct: number } {
  return tf.tidy(() => {
    let activation = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    for (const stage of plan.stages) activation = denseForward(stage, activation);
    const { loss, correct } = crossEntropyHead(activation.dataSync(), labels.dataSync());
    return { loss, correct };
  });
}

/** Loss, accuracy count and gradients of one training batch (dropout active), without the tape. */
export function denseGradients(plan: DensePlan, x: tf.Tensor, labels: tf.Tensor1D, makeMask: MaskMaker = dropoutMask): DenseStep {
  return tf.tidy(() => {
    const batch = x.shape[0];
    const last = plan.stages.length - 1;
    // Forward, keeping each stage's input, output and dropout mask for the backward pass.
    const inputs: tf.Tensor2D[] = [];
    const outputs: tf.Tensor2D[] = [];
    const masks: (tf.Tensor | undefined)[] = [];
    let activation = tf.reshape(x, [batch, -1]) as tf.Tensor2D;
    for (const stage of plan.stages) {
      inputs.push(activation);
      const out = denseForward(stage, activation);
      outputs.push(out);
      const mask = stage.dropout > 0 ? makeMask(out.shape, stage.dropout) : undefined;
      masks.push(mask);
      activation = (mask ? tf.mul(out, mask) : out) as tf.Tensor2D;
    }

    // The softmax, Keras's loss on what the model outputs in training mode (after any output
    // dropout), the accuracy count and the gradient with respect to the logits, in one pass.
    const head = crossEntropyHead(outputs[last].dataSync(), labels.dataSync(), masks[last]?.dataSync());
    const loss = head.loss;
    const l2: Record<string, number> = {};

    // Backward, last stage first.
    let dz = tf.tensor2d(head.dLogits, outputs[last].shape);
    const grads: tf.NamedTensorMap = {};
    for (let i = last; i >= 0; i--) {
      const stage = plan.stages[i];
      const dKernel = transposedMatMulSkippingZeros(inputs[i], dz);
      grads[stage.kernel.name] = dKernel;
      if (stage.l2 > 0) l2[stage.kernel.name] = stage.l2;
      if (stage.bias) grads[stage.bias.name] = tf.sum(dz, 0);
      if (i === 0) break;
      let dInput = tf.matMul(dz, stage.kernel, false, true) as tf.Tensor2D;
      const below = plan.stages[i - 1];
      if (masks[i - 1]) dInput = tf.mul(dInput, masks[i - 1]!) as tf.Tensor2D;
      if (below.activation === 'relu') dInput = tf.mul(dInput, tf.step(outputs[i - 1])) as tf.Tensor2D;
      dz = dInput;
    }
    return { loss, correct: head.correct, grads, l2 };
  });
}

/**
 * Applies a step's gradients with its L2 penalties added, and returns the penalties'
 * value for the batch's loss (sum of l2 * sum(w^2), the weights before the step, as
 * Keras counts them). The library's optimizers fold each penalty's gradient into their
 * update kernel; any other optimizer gets gradients with it added.
 */
export function applyWithPenalties(optimizer: tf.Optimizer, grads: tf.NamedTensorMap, l2: Record<string, number>): number {
  if (Object.keys(l2).length === 0) {
    optimizer.applyGradients(grads);
    return 0;
  }
  let squares: Record<string, number>;
  // Not instanceof: tf.Optimizer answers it for any object with an optimizer's methods.
  if (typeof (optimizer as Partial<DescentOptimizer>).applyGradientsWithL2 === 'function') {
    squares = (optimizer as DescentOptimizer).applyGradientsWithL2(grads, l2);
  } else {
    const penalized = { ...grads };
    const sums: Record<string, tf.Scalar> = {};
    for (const [name, factor] of Object.entries(l2)) {
      [penalized[name], sums[name]] = l2GradientAndSquares(grads[name], tf.engine().registeredVariables[name], factor);
    }
    optimizer.applyGradients(penalized);
    squares = Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, sum.dataSync()[0]]));
    tf.dispose([...Object.keys(l2).map((name) => penalized[name]), ...Object.values(sums)]);
  }
  return Object.entries(l2).reduce((sum, [name, factor]) => sum + factor * squares[name], 0);
}
