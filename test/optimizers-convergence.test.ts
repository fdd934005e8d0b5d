/**
 * Convergence, optax style: a table of (optimizer, problem, learning rate,
 * steps), and every row must end near the problem's minimum. The two
 * problems: an elongated parabola (condition number 10) and Rosenbrock's
 * banana valley, whose curved floor is hard for plain SGD.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { makeOptimizer, OptimizerName } from '../lib/optimizers';

interface Problem {
  /** The loss at the point p = [x, y]. */
  loss: (p: tf.Tensor1D) => tf.Scalar;
  start: [number, number];
  minimum: [number, number];
}

const PROBLEMS: Record<'parabola' | 'rosenbrock', Problem> = {
  // f(x, y) = (x - 3)^2 + 10 (y + 1)^2, minimum 0 at (3, -1).
  parabola: {
    loss: (p) => tf.tidy(() => {
      const [x, y] = tf.unstack(p);
      return x.sub(3).square().add(y.add(1).square().mul(10)) as tf.Scalar;
    }),
    start: [0, 0],
    minimum: [3, -1],
  },
  // f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1).
  rosenbrock: {
    loss: (p) => tf.tidy(() => {
      const [x, y] = tf.unstack(p);
      return tf.sub(1, x).square().add(y.sub(x.square()).square().mul(100)) as tf.Scalar;
    }),
    start: [-1, 1],
    minimum: [1, 1],
  },
};

/** Each row must end within this distance of the minimum. */
const TOLERANCE = 0.1;

const TABLE: { optimizer: OptimizerName; problem: keyof typeof PROBLEMS; learningRate: number; steps: number }[] = [
  { optimizer: 'SGD', problem: 'parabola', learningRate: 0.04, steps: 100 },
  { optimizer: 'Momentum', problem: 'parabola', learningRate: 0.04, steps: 100 },
  { optimizer: 'Nesterov', problem: 'parabola', learningRate: 0.04, steps: 100 },
  { optimizer: 'RMSprop', problem: 'parabola', learningRate: 0.05, steps: 200 },
  { optimizer: 'Adagrad', problem: 'parabola', learningRate: 1, steps: 200 },
  { optimizer: 'Adam', problem: 'parabola', learningRate: 0.1, steps: 200 },
  { optimizer: 'NAdam', problem: 'parabola', learningRate: 0.1, steps: 200 },
  { optimizer: 'SGD', problem: 'rosenbrock', learningRate: 0.002, steps: 4000 },
  { optimizer: 'Momentum', problem: 'rosenbrock', learningRate: 0.002, steps: 2000 },
  { optimizer: 'Nesterov', problem: 'rosenbrock', learningRate: 0.001, steps: 4000 },
  { optimizer: 'RMSprop', problem: 'rosenbrock', learningRate: 0.002, steps: 3000 },
  { optimizer: 'Adagrad', problem: 'rosenbrock', learningRate: 0.5, steps: 3000 },
  { optimizer: 'Adam', problem: 'rosenbrock', learningRate: 0.02, steps: 2000 },
  { optimizer: 'NAdam', problem: 'rosenbrock', learningRate: 0.02, steps: 3000 },
];

before(async () => {
  await initBackend();
});

describe('every optimizer minimises a parabola and Rosenbrock', () => {
  for (const { optimizer: name, problem, learningRate, steps } of TABLE) {
    it(`${name} on the ${problem} (learning rate ${learningRate}, ${steps} steps)`, () => {
      const { loss, start, minimum } = PROBLEMS[problem];
      const optimizer = makeOptimizer(name, { learningRate });
      const point = tf.tidy(() => tf.variable(tf.tensor1d(start)));
      for (let step = 0; step < steps; step++) {
        optimizer.minimize(() => loss(point)); // disposes the loss and the gradients
      }
      const [x, y] = point.dataSync();
      point.dispose();
      optimizer.dispose();
      const distance = Math.hypot(x - minimum[0], y - minimum[1]);
      assert.ok(distance < TOLERANCE,
        `ended at (${x.toFixed(4)}, ${y.toFixed(4)}), ${distance.toFixed(4)} from the minimum`);
    });
  }
});
