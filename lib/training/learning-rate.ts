/**
 * Reads and changes the learning rate of any optimizer between epochs. Descent
 * Lab's optimizers expose a validated `learningRate` property; TensorFlow.js's
 * own keep it in a field of the same name (and SGD adds `setLearningRate`).
 */
import type * as tf from '@tensorflow/tfjs';
import { requirePositive } from '../validate';

type WithRate = { learningRate?: number; setLearningRate?: (rate: number) => void };

export function getLearningRate(optimizer: tf.Optimizer): number {
  const rate = (optimizer as unknown as WithRate).learningRate;
  if (typeof rate !== 'number') {
    throw new TypeError(`${optimizer.getClassName()} has no numeric learningRate, so a schedule cannot change it.`);
  }
  return rate;
}

export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  requirePositive('setLearningRate', 'learning rate', rate);
  const target = optimizer as unknown as WithRate;
  if (typeof target.setLearningRate === 'function') target.setLearningRate(rate);
  else target.learningRate = rate;
}
