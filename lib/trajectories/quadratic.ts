/**
 * d2l.ai's ill-conditioned quadratic f = 0.1 x1^2 + 2 x2^2: a long, shallow valley along x1 with
 * steep walls in x2 (curvatures 0.2 and 4, a condition number of 20). One learning rate must serve
 * both directions, so a rate that moves along the valley at a useful pace bounces across it.
 */
import * as tf from '@tensorflow/tfjs';
import { Surface } from './surface';

export const QUADRATIC: Surface = {
  id: 'quadratic',
  title: 'ill-conditioned quadratic',
  formula: 'f(x) = 0.1\\, x_1^2 + 2\\, x_2^2',
  value: (x1, x2) => 0.1 * x1 * x1 + 2 * x2 * x2,
  gradient: (x1, x2) => [0.2 * x1, 4 * x2],
  loss: (point) => tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([0.1, 2]), tf.square(point)))),
  start: [-5, -2],
  steps: 40,
  range: { x1: [-5.5, 1.5], x2: [-3, 3] },
  minimum: [0, 0],
  contourScale: 'linear',
  optimizers: {
    // 1 - 0.4 * 4 = -0.6: each step flips x2's sign and keeps 60% of it, the zig-zag.
    SGD: { learningRate: 0.4 },
    Momentum: { learningRate: 0.4, momentum: 0.5 },
    // Nesterov adds a gradient step on top of the momentum step: on the steep x2 it diverges at 0.4.
    Nesterov: { learningRate: 0.3, momentum: 0.5 },
    RMSprop: { learningRate: 0.4 },
    Adagrad: { learningRate: 0.4 },
    Adam: { learningRate: 0.4 },
    NAdam: { learningRate: 0.4 },
  },
};
