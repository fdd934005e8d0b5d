/** Shared by the optimizer golden tests: run an optimizer by hand and compare to hand-worked numbers. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { DescentOptimizer } from '../../lib/optimizers/base';

/** Applies each gradient in turn to a variable that starts at `start`; returns where it ends (disposes both). */
export function stepThrough(optimizer: DescentOptimizer, start: number[], gradients: number[][]): number[] {
  const x = tf.tidy(() => tf.variable(tf.tensor1d(start)));
  for (const gradient of gradients) {
    tf.tidy(() => optimizer.applyGradients({ [x.name]: tf.tensor1d(gradient) }));
  }
  const end = Array.from(x.dataSync());
  x.dispose();
  optimizer.dispose();
  return end;
}

/** Asserts element-wise agreement to float32 precision. */
export function assertClose(actual: number[], expected: number[], tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) <= tolerance,
    `element ${i}: got ${value}, expected ${expected[i]} (within ${tolerance})`));
}
