/**
 * Agreement with TensorFlow.js's own optimizers where it has the same one:
 * both are fed the same gradients for ten steps, from the same start, with
 * equal hyperparameters, and must end at the same weights.
 *
 * SGD, momentum and Nesterov are the same formulas (momentum scaled by eta
 * inside the velocity here, outside in TensorFlow.js: equal while eta is
 * constant), so they agree to float32 rounding. RMSprop, Adagrad and Adam put
 * eps in a different place (see their module comments); with eps = 1e-7 and
 * gradients of size 0.5 to 1.5 that moves each step by less than
 * eta * eps / |g| <= 1e-8, far below float32 rounding, so the same 1e-6
 * tolerance holds for all six. A second suite shows that with eps = 0.1 the
 * same comparison does tell the two placements apart.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { adagrad, adam, DescentOptimizer, momentum, nesterov, rmsprop, sgd } from '../lib/optimizers';

const SHAPE = [3, 4];
const STEPS = 10;
/** Float32 rounding over ten steps; measured differences are at most 4.2e-7 (Adam). */
const TOLERANCE = 1e-6;

/** The gradient at step t: entries of size 0.5 to 1.5 with mixed signs, no randomness. */
function gradientAt(t: number): tf.Tensor {
  return tf.tidy(() => {
    const phase = tf.range(0, 12).reshape(SHAPE).mul(0.7).add(t * 1.3);
    return tf.sin(phase).sign().mul(tf.cos(phase).abs().add(0.5));
  });
}

/** Runs both optimizers on twin variables; returns the largest difference and the distance moved. */
function runBoth(ours: DescentOptimizer, theirs: tf.Optimizer): { difference: number; moved: number } {
  const start = tf.tidy(() => tf.range(0, 12).reshape(SHAPE).div(10).sub(0.5));
  const a = tf.variable(start);
  const b = tf.variable(start);
  for (let t = 0; t < STEPS; t++) {
    tf.tidy(() => {
      const gradient = gradientAt(t);
      ours.applyGradients({ [a.name]: gradient });
      theirs.applyGradients({ [b.name]: gradient });
    });
  }
  const [difference, moved] = tf.tidy(() => [
    a.sub(b).abs().max().dataSync()[0],
    a.sub(start).abs().max().dataSync()[0],
  ]);
  tf.dispose([start, a, b]);
  ours.dispose();
  theirs.dispose();
  return { difference, moved };
}

before(async () => {
  await initBackend();
});

describe('agreement with TensorFlow.js optimizers over ten steps', () => {
  const cases: { name: string; ours: () => DescentOptimizer; theirs: () => tf.Optimizer }[] = [
    { name: 'SGD = tf.train.sgd',
      ours: () => sgd({ learningRate: 0.05 }), theirs: () => tf.train.sgd(0.05) },
    { name: 'Momentum = tf.train.momentum',
      ours: () => momentum({ learningRate: 0.05, momentum: 0.9 }), theirs: () => tf.train.momentum(0.05, 0.9) },
    { name: 'Nesterov = tf.train.momentum with useNesterov',
      ours: () => nesterov({ learningRate: 0.05, momentum: 0.9 }),
      theirs: () => tf.train.momentum(0.05, 0.9, true) },
    { name: 'RMSprop ~ tf.train.rmsprop (eps inside the root there)',
      ours: () => rmsprop({ learningRate: 0.01, rho: 0.9, epsilon: 1e-7 }),
      theirs: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7) },
    { name: 'Adagrad ~ tf.train.adagrad (eps inside the root there)',
      ours: () => adagrad({ learningRate: 0.05, epsilon: 1e-7, initialAccumulatorValue: 0.1 }),
      theirs: () => tf.train.adagrad(0.05, 0.1) },
    { name: 'Adam ~ tf.train.adam (eps not scaled by sqrt(1 - beta2^T) there)',
      ours: () => adam({ learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
      theirs: () => tf.train.adam(0.01, 0.9, 0.999, 1e-7) },
  ];

  for (const { name, ours, theirs } of cases) {
    it(name, () => {
      const { difference, moved } = runBoth(ours(), theirs());
      assert.ok(moved > 0.05, `the weights should move, but moved only ${moved}`);
      assert.ok(difference <= TOLERANCE, `largest difference ${difference} exceeds ${TOLERANCE}`);
    });
  }
});

describe('the eps placement is a real difference, visible when eps is large', () => {
  it('RMSprop with eps = 0.1 differs from tf.train.rmsprop by more than the tolerance above', () => {
    const { difference } = runBoth(rmsprop({ learningRate: 0.01, epsilon: 0.1 }), tf.train.rmsprop(0.01, 0.9, 0, 0.1));
    assert.ok(difference > 1e-3, `difference ${difference}`);
  });

  it('Adam with eps = 0.1 differs from tf.train.adam by more than the tolerance above', () => {
    const { difference } = runBoth(adam({ learningRate: 0.01, epsilon: 0.1 }), tf.train.adam(0.01, 0.9, 0.999, 0.1));
    assert.ok(difference > 1e-3, `difference ${difference}`);
  });
});
