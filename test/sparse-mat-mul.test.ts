/**
 * The products that skip the zeros of their left operand, on wasm, against tf.matMul on
 * the cpu backend: an MNIST batch times the course's first kernel, widths that use the
 * 32-column and the 4-column loops, a width that falls back to tf.matMul; NaN in the
 * left operand still shows; one kernel each, no leaks, clear errors.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { loadMnist } from '../lib/data';
import {
  MAT_MUL_SKIPPING_ZEROS, TRANSPOSED_MAT_MUL_SKIPPING_ZEROS, installFastKernels, matMulSkippingZeros,
  transposedMatMulSkippingZeros,
} from '../lib/kernels';
import { randomValues } from './support/random-values';

/** `compute` on the cpu backend, the reference. */
async function onCpu(compute: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend('cpu');
  try {
    return tf.tidy(() => compute().dataSync() as Float32Array);
  } finally {
    await tf.setBackend('wasm');
  }
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: sizes differ`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-4 + 1e-5 * Math.abs(expected[i]),
      `${what}: element ${i} is ${actual[i]}, tf.matMul on cpu says ${expected[i]}`);
  }
}

describe('matMulSkippingZeros and transposedMatMulSkippingZeros', () => {
  let images: Float32Array;
  before(async () => {
    await initBackend('wasm');
    installFastKernels();
    const data = await loadMnist({ trainSamples: 32, testSamples: 1 });
    images = data.xTrain.dataSync() as Float32Array;
    tf.dispose(Object.values(data));
  });

  /** [m, k, n]: the course's first layer, both column loops, a 4-column-only width, a fallback width. */
  const shapes: [string, number, number, number][] = [
    ['an MNIST batch times the course\'s 784 x 128 kernel', 32, 784, 128],
    ['36 columns: one 32-wide block and one 4-wide', 5, 9, 36],
    ['8 columns: 4-wide blocks only', 3, 7, 8],
    ['10 columns: tf.matMul', 4, 6, 10],
  ];
  for (const [name, m, k, n] of shapes) {
    it(`agree with tf.matMul: ${name}`, async () => {
      // The MNIST pixels where the shape fits them, else random values with about half zeroed.
      const a = m * k === images.length ? images : randomValues(m * k, m + k).map((v) => (v < 0 ? 0 : v));
      const b = randomValues(k * n, n);
      const d = randomValues(m * n, n + 1);
      const expectedProduct = await onCpu(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])));
      const expectedTransposed = await onCpu(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(d, [m, n]), true, false));
      tf.tidy(() => {
        const product = matMulSkippingZeros(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n]));
        const transposed = transposedMatMulSkippingZeros(tf.tensor2d(a, [m, k]), tf.tensor2d(d, [m, n]));
        assert.deepEqual(product.shape, [m, n]);
        assert.deepEqual(transposed.shape, [k, n]);
        assertClose(product.dataSync() as Float32Array, expectedProduct, `${name}: a b`);
        assertClose(transposed.dataSync() as Float32Array, expectedTransposed, `${name}: a^T d`);
      });
    });
  }

  it('run as one kernel each on the course shapes and leak nothing', async () => {
    const a = tf.tensor2d(images, [32, 784]);
    const b = tf.tensor2d(randomValues(784 * 128, 3), [784, 128]);
    const d = tf.tensor2d(randomValues(32 * 128, 4), [32, 128]);
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => [matMulSkippingZeros(a, b), transposedMatMulSkippingZeros(a, d)]);
    assert.deepEqual(profile.kernels.map((kernel) => kernel.name), [MAT_MUL_SKIPPING_ZEROS, TRANSPOSED_MAT_MUL_SKIPPING_ZEROS]);
    assert.equal(tf.memory().numTensors, before + 2, 'only the two results are new');
    tf.dispose(profile.result as tf.Tensor[]);
    tf.dispose([a, b, d]);
  });

  it('let a NaN of the left operand through, as a diverged run must show', () => {
    tf.tidy(() => {
      const a = tf.tensor2d([0, NaN, 0, 1], [2, 2]);
      const b = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
      const product = Array.from(matMulSkippingZeros(a, b).dataSync());
      assert.ok(product.slice(0, 4).every(Number.isNaN));
      assert.deepEqual(product.slice(4), [5, 6, 7, 8]);
    });
  });

  it('say which operands do not multiply', () => {
    tf.tidy(() => {
      assert.throws(() => matMulSkippingZeros(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([4, 4]) as tf.Tensor2D),
        /matMulSkippingZeros: a \[2,3\] float32 and b \[4,4\] float32 do not multiply; pass two float32 matrices whose inner/);
      assert.throws(() => transposedMatMulSkippingZeros(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([3, 4]) as tf.Tensor2D),
        /whose first dimensions match/);
    });
  });
});
