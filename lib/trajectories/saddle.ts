/**
 * The saddle f = x1^2 - x2^2: downhill towards the origin along x1, downhill away from it along x2.
 * Started on the ridge x2 = 0, the gradient has no x2 part and a gradient method slides into the
 * saddle point and stays; started just off it (x2 = 0.001), the x2 part is tiny but grows, and how
 * soon a method leaves depends on whether its step scales with the gradient or not.
 */
import * as tf from '@tensorflow/tfjs';
import { Surface } from './surface';

export const SADDLE: Surface = {
  id: 'saddle',
  title: 'saddle',
  formula: 'f(x) = x_1^2 - x_2^2',
  value: (x1, x2) => x1 * x1 - x2 * x2,
  gradient: (x1, x2) => [2 * x1, -2 * x2],
  loss: (point) => tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, -1]), tf.square(point)))),
  start: [-2, 0.001],
  steps: 60,
  range: { x1: [-2.5, 2.5], x2: [-2.5, 2.5] },
  contourScale: 'linear',
  optimizers: {
    SGD: { learningRate: 0.05 },
    Momentum: { learningRate: 0.05, momentum: 0.5 },
    Nesterov: { learningRate: 0.05, momentum: 0.5 },
    RMSprop: { learningRate: 0.05 },
    Adagrad: { learningRate: 0.1 },
    Adam: { learningRate: 0.05 },
    NAdam: { learningRate: 0.05 },
  },
};
