/**
 * Denormal floats are flushed to zero where training makes them, as TensorFlow's CPU
 * kernels do (see lib/kernels/flush-denormals.ts): each fused wasm kernel reads and
 * writes none, agrees bit for bit with its tf-ops fallback, and leaves normal values
 * alone; and real training on MNIST, with an L2 penalty and with each optimizer that
 * keeps slots, ends with no denormal in any weight or slot.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { loadMnist } from '../lib/data';
import {
  FLOAT32_MIN_NORMAL, adamStep, flushDenormals, installFastKernels, l2Gradient, momentumStep, rmspropStep,
  l2GradientAndSquares, sgdStep, sumOfSquares, uninstallFastKernels,
} from '../lib/kernels';
import { buildCompile } from '../lib/models';
import { fit } from '../lib/training';

const EXPONENT_BITS = 0x7f800000;

/** Ordinary values in [-1, 1), deterministic. */
function randomish(count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.sin(i * 12.9898) % 1);
}

/** How many of `values` are denormal (exponent bits all zero, not zero). */
function countDenormals(values: Float32Array): number {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let count = 0;
  for (const word of bits) if ((word & EXPONENT_BITS) === 0 && (word & 0x7fffffff) !== 0) count++;
  return count;
}

/** The bit patterns, so that 0 and -0, or two NaNs, are told apart. */
function bits(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
}

// 11 values: two SIMD vectors and a scalar tail. Denormal gradients (1e-39, -3e-40, the smallest
// one), normal ones too small for a normal step (5e-37, -2e-36: times a learning rate of 0.01 they
// would be denormal), and slots whose decay makes a denormal (1.2e-38 * 0.5 is one).
const size = 11;
const theta = [0.5, -0.25, 1e-3, 2, -1, 0.125, 3e-39, 0.75, -0.5, 1, 1.5];
const gradient = [1e-39, -3e-40, 0.01, 0, -0.02, 1.4e-45, 0.03, 5e-37, 0.5, -1e-39, -2e-36];
const slot = [1.2e-38, 1e-3, 1.3e-38, 0.2, 1.25e-38, 0.1, 1e-38, 0.3, 0, 1.2e-38, 0.05];

const KERNELS: Record<string, (t: tf.Tensor, s: tf.Tensor, g: tf.Tensor) => tf.Tensor[]> = {
  'adamStep': (t, s, g) => Object.values(adamStep(t, s, tf.abs(s), g, { beta1: 0.9, beta2: 0.999, momentumScale: 1e-3, epsilon: 1e-7 })),
  'momentumStep (heavy ball)': (t, s, g) => Object.values(momentumStep(t, s, g, { learningRate: 0.01, momentum: 0.5 })),
  'momentumStep (Nesterov)': (t, s, g) => Object.values(momentumStep(t, s, g, { learningRate: 0.01, momentum: 0.5, nesterov: true })),
  'rmspropStep': (t, s, g) => Object.values(rmspropStep(t, tf.abs(s), g, { learningRate: 1e-3, decay: 0.9, epsilon: 1e-7 })),
  'l2Gradient': (t, _s, g) => [l2Gradient(g, t, 0.001)],
  'sgdStep': (t, _s, g) => [sgdStep(t, g, 0.01)],
  'l2GradientAndSquares': (t, _s, g) => l2GradientAndSquares(g, t, 0.001),
  'adamStep with an L2 penalty folded in': (t, s, g) => {
    const next = adamStep(t, s, tf.abs(s), g, { beta1: 0.9, beta2: 0.999, momentumScale: 1e-3, epsilon: 1e-7, l2: 0.001 });
    return [next.theta, next.m, next.v, next.squares!];
  },
};

describe('the fused kernels flush denormals', () => {
  before(async () => {
    await initBackend('wasm');
    installFastKernels();
  });

  for (const [name, step] of Object.entries(KERNELS)) {
    it(`${name} writes no denormal, bit for bit as its tf-ops fallback`, () => {
      tf.tidy(() => {
        const inputs = [theta, slot, gradient].map((values) => tf.tensor1d(values));
        assert.ok(countDenormals(inputs[2].dataSync() as Float32Array) > 0, 'the gradient holds denormals to flush');
        const fused = step(...(inputs as [tf.Tensor, tf.Tensor, tf.Tensor]));
        uninstallFastKernels();
        const composed = step(...(inputs as [tf.Tensor, tf.Tensor, tf.Tensor]));
        installFastKernels();
        fused.forEach((output, i) => {
          assert.equal(countDenormals(output.dataSync() as Float32Array), 0, `output ${i} holds no denormal`);
          assert.deepEqual(bits(output), bits(composed[i]), `output ${i}: the wasm kernel and the tf ops agree bit for bit`);
        });
      });
    });
  }

  it('leaves normal values as plain arithmetic gives them', () => {
    tf.tidy(() => {
      const [t, m, g] = [theta, slot, gradient].map((values) => tf.tensor1d(values));
      const { velocity } = momentumStep(t, m, g, { learningRate: 0.01, momentum: 0.5 });
      const plain = tf.add(tf.mul(0.5, m), tf.mul(0.01, g)).dataSync();
      const flushed = velocity.dataSync();
      for (let i = 0; i < size; i++) {
        if (Math.abs(plain[i]) >= FLOAT32_MIN_NORMAL) assert.equal(flushed[i], plain[i], `element ${i}`);
        else assert.equal(flushed[i], 0, `element ${i} (${plain[i]}) is flushed`);
      }
    });
  });

  it('adamStep with an L2 penalty folded in gives what adamStep gives on l2Gradient\'s gradient, bit for bit', () => {
    tf.tidy(() => {
      const [t, s, g] = [theta, slot, gradient].map((values) => tf.tensor1d(values));
      const c = { beta1: 0.9, beta2: 0.999, momentumScale: 1e-3, epsilon: 1e-7 };
      const folded = adamStep(t, s, tf.abs(s), g, { ...c, l2: 0.001 });
      const apart = adamStep(t, s, tf.abs(s), l2Gradient(g, t, 0.001), c);
      for (const key of ['theta', 'm', 'v'] as const) assert.deepEqual(bits(folded[key]), bits(apart[key]), key);
      assert.deepEqual(bits(folded.squares!), bits(l2GradientAndSquares(g, t, 0.001)[1]));
      assert.equal(apart.squares, undefined);
      assert.throws(() => adamStep(t, s, s, g, { ...c, l2: -1 }), /the L2 factor must be a finite number of at least 0, got -1/);
    });
  });

  it('l2GradientAndSquares gives what l2Gradient and sumOfSquares give apart, bit for bit', () => {
    tf.tidy(() => {
      const weights = tf.tensor1d([5e-36, 6e-36, 0.5, -1e-37, 1e-20, -3, ...randomish(23)]);
      const grads = tf.tensor1d(randomish(29).map((v) => v / 3));
      const [gradient, squares] = l2GradientAndSquares(grads, weights, 0.001);
      assert.deepEqual(bits(gradient), bits(l2Gradient(grads, weights, 0.001)));
      const apart = sumOfSquares(weights).dataSync()[0];
      assert.ok(Math.abs(squares.dataSync()[0] - apart) <= 1e-6 * apart, `${squares.dataSync()[0]} vs ${apart}`);
      assert.throws(() => l2GradientAndSquares(grads, tf.zeros([3]), 0.001), /l2GradientAndSquares: gradient has shape \[29\] but the variable has \[3\]/);
    });
  });

  it('l2Gradient counts a weight too small for a normal 2 l2 w as 0, and adds the rest', () => {
    tf.tidy(() => {
      const weights = tf.tensor1d([5e-36, 6e-36, 0.5, -1e-37]);
      const grads = tf.tensor1d([1, 1, 1, 0]);
      const result = l2Gradient(grads, weights, 0.001).dataSync();
      // 2 * 0.001 * 5e-36 = 1e-38 < 2^-126: left out; 2 * 0.001 * 6e-36 = 1.2e-38: counted.
      assert.deepEqual(Array.from(result), [1, Math.fround(1 + Math.fround(0.002 * Math.fround(6e-36))), Math.fround(1 + 0.002 * 0.5), 0]);
      assert.throws(() => l2Gradient(grads, weights, 0), /L2 factor must be a positive number, got 0/);
    });
  });

  it('sumOfSquares adds 0 for values whose square would be denormal, as l2GradientAndSquares does on wasm', () => {
    tf.tidy(() => {
      const values = [0.5, -2, 1e-20, 3e-39, 1.5e-19, ...randomish(37)];
      const x = tf.tensor1d(values);
      const fused = l2GradientAndSquares(tf.zerosLike(x), x, 0.001)[1].dataSync()[0];
      const composed = sumOfSquares(x).dataSync()[0];
      // 1e-20 and 3e-39 are below 2^-63 = 1.08e-19 and add nothing; 1.5e-19 adds 2.25e-38.
      const expected = values.filter((v) => Math.abs(v) >= 2 ** -63).reduce((sum, v) => sum + Math.fround(v * v), 0);
      assert.ok(Math.abs(fused - expected) <= 1e-6 * expected, `wasm ${fused}, expected ${expected}`);
      assert.ok(Math.abs(composed - expected) <= 1e-6 * expected, `tf ops ${composed}, expected ${expected}`);
      assert.throws(() => sumOfSquares(tf.tensor1d([1], 'int32')), /sumOfSquares: x is int32; it must be float32/);
    });
  });

  it('flushDenormals keeps NaN and normal values, and zeroes denormals and -0', () => {
    const flushed = tf.tidy(() => Array.from(flushDenormals(tf.tensor1d([NaN, 1e-39, -1e-39, -0, 1.2e-38, -2])).dataSync()));
    assert.ok(Number.isNaN(flushed[0]));
    assert.deepEqual(flushed.slice(1).map((v) => Object.is(v, -0) ? '-0' : v), [0, 0, 0, Math.fround(1.2e-38), -2]);
  });
});

describe('training leaves no denormal in weights or slots', () => {
  let data: Awaited<ReturnType<typeof loadMnist>>;
  before(async () => {
    await initBackend('wasm');
    data = await loadMnist({ trainSamples: 2000, testSamples: 10 });
  });

  // 20 epochs of 63 steps: long enough for the slots of rarely lit pixels to decay below 2^-126
  // (Adam's m halves about every 7 steps) and for the L2 penalty to shrink the border weights.
  const runs: [string, string, { l2?: number }][] = [
    ['Adam with the course\'s L2 penalty', 'Adam', { l2: 0.001 }],
    ['Momentum', 'Momentum', {}],
    ['RMSprop', 'RMSprop', {}],
    ['SGD with an L2 penalty', 'SGD', { l2: 0.001 }],
  ];
  for (const [name, optimizer, options] of runs) {
    it(name, async () => {
      const model = buildCompile(optimizer, { ...options, seed: 3 });
      await fit(model, data.xTrain, data.yTrain, { epochs: 20, batchSize: 32, seed: 3, verbose: 0 });
      const slots = await model.optimizer.getWeights();
      // (The first optimizer weight is its int32 step count, whose bits are no float.)
      const tensors = [...model.getWeights(), ...slots.map((slot) => slot.tensor)].filter((t) => t.dtype === 'float32');
      const denormals = tensors.reduce((sum, t) => sum + countDenormals(t.dataSync() as Float32Array), 0);
      assert.equal(denormals, 0, `${denormals} denormal values among the weights and slots`);
      model.optimizer.dispose();
      model.dispose();
    });
  }
});
