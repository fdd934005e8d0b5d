/**
 * Rosenbrock's banana f = (1 - x1)^2 + 100 (x2 - x1^2)^2, with distill.pub's start (-1.21, 0.853)
 * ("Why Momentum Really Works"): a narrow curved valley whose floor falls slowly towards the minimum
 * at (1, 1). The walls are steep (curvature near 1,000 at the minimum) and the floor nearly flat, so
 * a rate small enough for the walls crawls along the floor.
 */
import * as tf from '@tensorflow/tfjs';
import { Surface } from './surface';

export const ROSENBROCK: Surface = {
  id: 'rosenbrock',
  title: 'Rosenbrock',
  formula: 'f(x) = (1 - x_1)^2 + 100\\, (x_2 - x_1^2)^2',
  value: (x1, x2) => (1 - x1) ** 2 + 100 * (x2 - x1 * x1) ** 2,
  gradient: (x1, x2) => [-2 * (1 - x1) - 400 * x1 * (x2 - x1 * x1), 200 * (x2 - x1 * x1)],
  loss: (point) => tf.tidy(() => {
    const [x1, x2] = tf.unstack(point);
    return tf.add(tf.square(tf.sub(1, x1)), tf.mul(100, tf.square(tf.sub(x2, tf.square(x1))))) as tf.Scalar;
  }),
  start: [-1.21, 0.853],
  steps: 150,
  range: { x1: [-2, 2], x2: [-1, 3] },
  minimum: [1, 1],
  contourScale: 'log',
  optimizers: {
    // About the largest stable rate on the walls near the start (curvature about 1,400 there).
    SGD: { learningRate: 0.0015 },
    Momentum: { learningRate: 0.0015, momentum: 0.9 },
    Nesterov: { learningRate: 0.0015, momentum: 0.9 },
    RMSprop: { learningRate: 0.1 },
    Adagrad: { learningRate: 0.5 },
    Adam: { learningRate: 0.3 },
    NAdam: { learningRate: 0.3 },
  },
};
