/**
 * The course network: Flatten(28x28) -> Dense(128, relu) -> Dense(10, softmax),
 * compiled with sparse categorical cross-entropy and accuracy, 101,770 trainable
 * parameters. Exercise 3 adds an L2 kernel penalty and dropout to the same shape.
 */
import * as tf from '@tensorflow/tfjs';
import { makeOptimizer } from './optimizers';
import { requireFraction, requireNonNegative, requireInteger } from './validate';

export interface BuildOptions {
  /** L2 factor on both Dense kernels: the loss gains `l2 * sum(w^2)` per kernel, as Keras's `l2(l2)`. Defaults to `0` (none). */
  l2?: number;
  /** Dropout rate after the hidden layer and, as the course wrote it, after the softmax output. Defaults to `0` (none). */
  dropout?: number;
  /** Whether `dropout` also follows the output layer (the course's choice). Defaults to `true`. */
  outputDropout?: boolean;
  /** Seed of the glorot-uniform kernel initialisers, for reproducible runs. Defaults to `undefined` (random). */
  seed?: number;
  /** Hidden units. Defaults to `128`. */
  hiddenUnits?: number;
}

/** The number of trainable parameters of the course network: 784*128 + 128 + 128*10 + 10. */
export const COURSE_PARAMETER_COUNT = 101_770;

/**
 * Builds and compiles the course network. `optimizer` is a name understood by
 * `makeOptimizer` (with its course defaults) or any `tf.Optimizer`.
 * Defaults to `'SGD'`.
 */
export function buildCompile(optimizer: string | tf.Optimizer = 'SGD', options: BuildOptions = {}): tf.LayersModel {
  const { l2 = 0, dropout = 0, outputDropout = true, seed, hiddenUnits = 128 } = options;
  requireNonNegative('buildCompile', 'l2', l2);
  requireFraction('buildCompile', 'dropout', dropout, 0, 1);
  requireInteger('buildCompile', 'hiddenUnits', hiddenUnits, 1);
  const kernelRegularizer = l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined;
  // tfjs seeds each initialiser separately; give the two kernels different seeds.
  const kernel = (offset: number) => tf.initializers.glorotUniform({ seed: seed === undefined ? undefined : seed + offset });

  const model = tf.sequential({ name: 'course_network' });
  model.add(tf.layers.flatten({ inputShape: [28, 28] }));
  model.add(tf.layers.dense({ units: hiddenUnits, activation: 'relu', kernelInitializer: kernel(0), kernelRegularizer }));
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: kernel(1), kernelRegularizer }));
  if (dropout > 0 && outputDropout) model.add(tf.layers.dropout({ rate: dropout }));

  model.compile({
    optimizer: typeof optimizer === 'string' ? makeOptimizer(optimizer) : optimizer,
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['acc'],
  });
  return model;
}
