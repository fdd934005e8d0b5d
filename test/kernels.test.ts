import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import {
  ADAM_STEP, adamStep, AdamStepCoefficients, AdamStepResult, installFastKernels, momentumStep, rmspropStep,
  sparseCategoricalCrossentropyWithGradient, uninstallFastKernels,
} from '../lib/kernels';
import { sparseCategoricalCrossentropy } from '../lib/training/loss';
import { randomValues } from './support/random-values';


/** Runs `compute` on the cpu backend, the reference, and returns its values. */
async function onCpu(compute: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  try {
    return tf.tidy(() => [compute()].flat().map((t) => t.dataSync() as Float32Array));
  } finally {
    await tf.setBackend('wasm');
  }
}

/** Float32 sums of up to ~1000 products of values in [-1, 1] differ by ~1e-5 between summation orders. */
function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: sizes differ`);
  for (let i = 0; i < actual.length; i++) {
    const tolerance = 1e-4 + 1e-5 * Math.abs(expected[i]);
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance,
      `${what}: element ${i} is ${actual[i]}, the cpu backend says ${expected[i]}`);
  }
}

/** [aShape, bShape] before transposition flags are applied. */
const PRODUCTS: Array<{ name: string; m: number; k: number; n: number; batch: number[] }> = [
  { name: 'a small matrix product', m: 5, k: 7, n: 3, batch: [] },
  { name: 'the course network forward shape', m: 32, k: 784, n: 128, batch: [] },
  { name: 'a batch of one', m: 4, k: 300, n: 64, batch: [1] },
  { name: 'a batch of three', m: 5, k: 6, n: 4, batch: [3] },
  { name: 'two batch axes', m: 3, k: 5, n: 2, batch: [2, 2] },
];

function operandShapes(
  { m, k, n, batch }: (typeof PRODUCTS)[number], transposeA: boolean, transposeB: boolean,
): [number[], number[]] {
  return [
    [...batch, ...(transposeA ? [k, m] : [m, k])],
    [...batch, ...(transposeB ? [n, k] : [k, n])],
  ];
}

describe('installFastKernels', () => {
  before(async () => {
    await initBackend('wasm');
  });
  after(() => {
    installFastKernels(); // leave the process as the library leaves it
  });

  it('replaces the wasm BatchMatMul once and is idempotent', () => {
    uninstallFastKernels();
    const stock = tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc;
    assert.equal(installFastKernels(), true);
    const fast = tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc;
    assert.notEqual(fast, stock);
    assert.equal(installFastKernels(), true);
    assert.equal(tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc, fast);
  });

  it('restores the stock kernel on uninstall', () => {
    uninstallFastKernels();
    const stock = tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc;
    installFastKernels();
    uninstallFastKernels();
    assert.equal(tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc, stock);
    installFastKernels();
  });

  it('is a no-op on another backend', async () => {
    uninstallFastKernels();
    await tf.setBackend('cpu');
    try {
      const cpuKernel = tf.getKernel(tf.BatchMatMul, 'cpu')?.kernelFunc;
      assert.equal(installFastKernels(), false);
      assert.equal(tf.getKernel(tf.BatchMatMul, 'cpu')?.kernelFunc, cpuKernel);
    } finally {
      await tf.setBackend('wasm');
    }
    assert.equal(installFastKernels(), true);
  });
});

describe('the fast wasm BatchMatMul', () => {
  before(async () => {
    await initBackend('wasm');
    installFastKernels();
  });

  let seed = 1;
  for (const product of PRODUCTS) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`agrees with the cpu backend on ${product.name}, transposeA=${transposeA}, transposeB=${transposeB}`,
          async () => {
            const [aShape, bShape] = operandShapes(product, transposeA, transposeB);
            const aValues = randomValues(aShape.reduce((s, d) => s * d, 1), seed++);
            const bValues = randomValues(bShape.reduce((s, d) => s * d, 1), seed++);
            const product_ = () =>
              tf.matMul(tf.tensor(aValues, aShape), tf.tensor(bValues, bShape), transposeA, transposeB);

            const [expected] = await onCpu(product_);
            const out = tf.tidy(product_);
            assert.deepEqual(out.shape, [...product.batch, product.m, product.n]);
            assertClose(out.dataSync() as Float32Array, expected, product.name);
            out.dispose();
          });
      }
    }
  }

  it('gives the same answer when it meets the same right operand again', () => {
    // The first product with a new large `b` takes the swapped route, later ones XNNPACK's cached packing.
    const a = tf.tensor(randomValues(32 * 784, 91), [32, 784]);
    const b = tf.tensor(randomValues(784 * 128, 92), [784, 128]);
    const first = tf.matMul(a, b);
    const second = tf.matMul(a, b);
    assertClose(second.dataSync() as Float32Array, first.dataSync() as Float32Array, 'second product');
    tf.dispose([a, b, first, second]);
  });

  it('leaks no tensors and no backend buffers', () => {
    const a = tf.tensor(randomValues(32 * 784, 93), [32, 784]);
    const b = tf.tensor(randomValues(32 * 128, 94), [32, 128]);
    const w = tf.tensor(randomValues(784 * 128, 95), [784, 128]);
    const backendBuffers = () => tf.engine().backend.numDataIds();
    const before = { numTensors: tf.memory().numTensors, buffers: backendBuffers() };
    for (const [x, y, transposeA, transposeB] of [
      [a, b, true, false], [b, w, false, true], [a, w, false, false], [w, a, true, true],
    ] as Array<[tf.Tensor, tf.Tensor, boolean, boolean]>) {
      tf.matMul(x, y, transposeA, transposeB).dispose();
    }
    assert.equal(tf.memory().numTensors, before.numTensors);
    // The kernel's transposes live only in the backend, so count the backend's buffers too.
    assert.equal(backendBuffers(), before.buffers);
    tf.dispose([a, b, w]);
  });

  it('gives the gradients of a small dense network that the cpu backend gives', async () => {
    // x (8 x 20) -> Dense(16, relu) -> Dense(5, softmax) -> cross-entropy against one-hot labels.
    const shapes = { x: [8, 20], w1: [20, 16], b1: [16], w2: [16, 5], b2: [5] };
    const values = Object.fromEntries(Object.entries(shapes).map(([name, shape], i) =>
      [name, randomValues(shape.reduce((s, d) => s * d, 1), 100 + i)])) as Record<keyof typeof shapes, Float32Array>;
    const labels = [0, 1, 2, 3, 4, 0, 1, 2];
    const gradients = () => {
      const [x, w1, b1, w2, b2] = (Object.keys(shapes) as Array<keyof typeof shapes>)
        .map((name) => tf.tensor(values[name], shapes[name]));
      const loss = (w1_: tf.Tensor, b1_: tf.Tensor, w2_: tf.Tensor, b2_: tf.Tensor) => {
        const hidden = tf.relu(tf.add(tf.matMul(x, w1_), b1_));
        const probs = tf.softmax(tf.add(tf.matMul(hidden, w2_), b2_));
        const picked = tf.sum(tf.mul(probs, tf.oneHot(tf.tensor1d(labels, 'int32'), 5)), 1);
        return tf.neg(tf.mean(tf.log(picked)));
      };
      return tf.grads(loss)([w1, b1, w2, b2]);
    };

    const expected = await onCpu(gradients);
    const before = tf.memory().numTensors;
    const actual = tf.tidy(() => gradients().map((g) => g.dataSync() as Float32Array));
    assert.equal(tf.memory().numTensors, before);
    ['w1', 'b1', 'w2', 'b2'].forEach((name, i) => assertClose(actual[i], expected[i], `d loss / d ${name}`));
  });
});

describe('the fast wasm Identity', () => {
  before(async () => {
    await initBackend('wasm');
    installFastKernels();
  });

  it('shares the input\'s memory, and each tensor outlives the other', () => {
    const backendBuffers = () => tf.engine().backend.numDataIds();
    const buffersBefore = backendBuffers();
    const x = tf.tensor([1.5, -2, 3.25, 4], [2, 2]);
    const copy = tf.clone(x);
    assert.equal(copy.dataId, x.dataId, 'a clone should point at the same data');
    assert.equal(backendBuffers(), buffersBefore + 1);
    x.dispose();
    assert.deepEqual(Array.from(copy.dataSync()), [1.5, -2, 3.25, 4]);
    copy.dispose();
    assert.equal(backendBuffers(), buffersBefore);
  });

  it('still copies strings, which live outside wasm memory', () => {
    const words = tf.tensor(['a', 'bc']);
    const copy = tf.clone(words);
    assert.deepEqual(copy.dataSync(), ['a', 'bc']);
    tf.dispose([words, copy]);
  });
});

describe('adamStep', () => {
  before(async () => {
    await initBackend('wasm');
    installFastKernels();
  });

  // Adam at step T = 3 with the course's defaults: eta_T = 0.001 * sqrt(1 - 0.999^3) / (1 - 0.9^3).
  const ADAM_T3: AdamStepCoefficients = {
    beta1: 0.9, beta2: 0.999, momentumScale: 0.001 * Math.sqrt(1 - 0.999 ** 3) / (1 - 0.9 ** 3), epsilon: 1e-7,
  };
  // A NAdam-like step: a look-ahead on the gradient and a bias correction under the root.
  const WITH_GRADIENT_TERM: AdamStepCoefficients = {
    beta1: 0.9, beta2: 0.999, momentumScale: 0.004, gradientScale: 0.0007, secondMomentScale: 1 / (1 - 0.999 ** 2),
    epsilon: 1e-7,
  };

  /** The rule with tf ops, as the optimizers write it: m, v, then theta. */
  function reference(values: Float32Array[], shape: number[], c: AdamStepCoefficients): tf.Tensor[] {
    const [theta, m, v, g] = values.map((x) => tf.tensor(x, shape));
    const newM = tf.add(tf.mul(c.beta1, m), tf.mul(1 - c.beta1, g));
    const newV = tf.add(tf.mul(c.beta2, v), tf.mul(1 - c.beta2, tf.square(g)));
    const numerator = tf.add(tf.mul(c.momentumScale, newM), tf.mul(c.gradientScale ?? 0, g));
    const root = tf.sqrt(tf.mul(c.secondMomentScale ?? 1, newV));
    return [tf.sub(theta, tf.div(numerator, tf.add(root, c.epsilon))), newM, newV];
  }

  function operands(shape: number[], seed: number): Float32Array[] {
    const size = shape.reduce((s, d) => s * d, 1);
    const v = randomValues(size, seed + 2).map(Math.abs); // a mean square is never negative
    return [randomValues(size, seed), randomValues(size, seed + 1), v, randomValues(size, seed + 3)];
  }

  const cases: Array<[string, number[], AdamStepCoefficients]> = [
    ['fewer elements than one SIMD vector', [3], ADAM_T3],
    ['a size that leaves a scalar tail', [7, 11], ADAM_T3],
    ['the course network\'s first kernel', [784, 128], ADAM_T3],
    ['a gradient term and a scaled second moment', [5, 13], WITH_GRADIENT_TERM],
  ];
  for (const [name, shape, coefficients] of cases) {
    it(`agrees with the rule written in tf ops on the cpu backend: ${name}`, async () => {
      const values = operands(shape, shape.length * 31 + shape[0]);
      const expected = await onCpu(() => reference(values, shape, coefficients));
      const [theta, m, v, g] = values.map((x) => tf.tensor(x, shape));
      const result = adamStep(theta, m, v, g, coefficients);
      (['theta', 'm', 'v'] as const).forEach((key, i) => {
        assert.deepEqual(result[key].shape, shape);
        assertClose(result[key].dataSync() as Float32Array, expected[i], `${name}: ${key}`);
      });
      tf.dispose([theta, m, v, g, result.theta, result.m, result.v]);
    });
  }

  it('runs as the wasm kernel, with the numbers of its tf-ops fallback', async () => {
    const shape = [9, 5];
    const inputs = operands(shape, 7).map((x) => tf.tensor(x, shape));
    const [theta, m, v, g] = inputs;
    let fused!: AdamStepResult;
    const profile = await tf.profile(() => {
      fused = adamStep(theta, m, v, g, WITH_GRADIENT_TERM);
      return [fused.theta, fused.m, fused.v];
    });
    assert.deepEqual(profile.kernels.map((k) => k.name), [ADAM_STEP]);
    uninstallFastKernels();
    const composed = adamStep(theta, m, v, g, WITH_GRADIENT_TERM);
    installFastKernels();
    (['theta', 'm', 'v'] as const).forEach((key) =>
      assertClose(fused[key].dataSync() as Float32Array, composed[key].dataSync() as Float32Array, key));
    tf.dispose([...inputs, ...Object.values(fused), ...Object.values(composed)]);
  });

  it('returns three new tensors and leaks nothing else', () => {
    const inputs = operands([40], 11).map((x) => tf.tensor(x));
    const [theta, m, v, g] = inputs;
    const backendBuffers = () => tf.engine().backend.numDataIds();
    const before = { numTensors: tf.memory().numTensors, buffers: backendBuffers() };
    const result = adamStep(theta, m, v, g, ADAM_T3);
    assert.equal(tf.memory().numTensors, before.numTensors + 3);
    assert.equal(backendBuffers(), before.buffers + 3);
    tf.dispose([...inputs, result.theta, result.m, result.v]);
  });

  it('names the operand whose shape does not match', () => {
    const theta = tf.zeros([4, 2]);
    const wrong = tf.zeros([2, 4]);
    assert.throws(() => adamStep(theta, theta, wrong, theta, ADAM_T3), /v has shape \[2,4\] but the variable has \[4,2\]/);
    tf.dispose([theta, wrong]);
  });
});

describe('sparseCategoricalCrossentropyWithGradient', () => {
  before(async () => {
    await initBackend('wasm');
  });

  /** The loss as the tape sees it: the library's tf-ops loss, differentiated by tfjs. */
  const taped = sparseCategoricalCrossentropy;

  /** tfjs-layers' own sparse categorical cross-entropy: the loss a model compiled with that name uses. */
  function tfjsLayersLoss(labels: tf.Tensor1D, probabilities: tf.Tensor2D): tf.Scalar {
    const input = tf.input({ shape: [1] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor });
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const [loss] = (model as unknown as { lossFunctions: ((y: tf.Tensor, p: tf.Tensor) => tf.Tensor)[] }).lossFunctions;
    model.dispose();
    return tf.mean(loss(tf.cast(labels, 'float32'), probabilities)) as tf.Scalar; // it floors the labels, which needs floats
  }

  /** Loss and d loss / d probabilities of `loss` at `probs`. */
  function valueAndGradient(loss: typeof taped, labels: number[], probs: number[][]): [number, number[]] {
    return tf.tidy(() => {
      const y = tf.tensor1d(labels, 'int32');
      const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => loss(y, p as tf.Tensor2D))(tf.tensor2d(probs));
      return [value.dataSync()[0], Array.from(grad.dataSync())];
    });
  }

  function assertAllClose(actual: number[], expected: number[], what: string): void {
    actual.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) <= 1e-6 * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}] is ${value}, expected ${expected[i]}`));
  }

  it('equals tfjs-layers\' sparseCategoricalCrossentropy, loss and gradient, on rows that do not sum to 1', () => {
    // Softmax rows after Dropout(0.2): kept entries scaled by 1.25, dropped ones 0 (clipped to 1e-7).
    // (A dropped label would be clipped to 1e-7, where tfjs-layers clips once more after dividing.)
    const labels = [2, 2, 0];
    const probs = [[0.125, 0.25, 0.875], [0, 0.5, 0.75], [0.3125, 0, 0.9375]];
    const [expectedLoss, expectedGradient] = valueAndGradient(tfjsLayersLoss, labels, probs);
    const [loss, gradient] = valueAndGradient(sparseCategoricalCrossentropyWithGradient, labels, probs);
    assert.ok(Math.abs(loss - expectedLoss) < 1e-6, `loss ${loss}, tfjs-layers says ${expectedLoss}`);
    assertAllClose(gradient, expectedGradient, 'gradient');
    // Row 0 by hand: -log(0.875 / 1.25) = 0.35667; the plain -log(p_y) would be 0.13353.
    const [rowLoss] = valueAndGradient(sparseCategoricalCrossentropyWithGradient, [2], [probs[0]]);
    assert.ok(Math.abs(rowLoss - 0.356675) < 1e-5, `row 0 loss ${rowLoss}`);
  });

  it('gives the taped loss and gradient, clipped rows included', () => {
    // Row 0 is ordinary, row 1 is clipped everywhere (1 above, 0s below: no gradient), row 2's
    // label has p = 1e-9 (clipped below: no gradient there), row 3 is ordinary again.
    const labels = [2, 0, 1, 1];
    const probs = [[0.1, 0.2, 0.7], [1, 0, 0], [0.5, 1e-9, 0.5 - 1e-9], [0.3, 0.3, 0.4]];
    const [expectedLoss, expectedGradient] = valueAndGradient(taped, labels, probs);
    const [loss, gradient] = valueAndGradient(sparseCategoricalCrossentropyWithGradient, labels, probs);
    assert.ok(Math.abs(loss - expectedLoss) < 1e-6, `loss ${loss}, taped ${expectedLoss}`);
    assertAllClose(gradient, expectedGradient, 'gradient');
    // Row 0 by hand, batch 4, S = 1: (1/S - 1/0.7) / 4 on the label, 1/(4 S) elsewhere.
    assert.ok(Math.abs(gradient[2] - (1 - 1 / 0.7) / 4) < 1e-6);
    assert.ok(Math.abs(gradient[0] - 0.25) < 1e-6);
    assert.deepEqual(gradient.slice(3, 6), [0, 0, 0]);
    assert.equal(gradient[7], 0);
  });

  it('lets NaN through to the loss and the gradient, as a diverged run must show', () => {
    const [loss, gradient] = valueAndGradient(sparseCategoricalCrossentropyWithGradient, [0, 1], [[NaN, 0.5], [0.5, 0.5]]);
    assert.ok(Number.isNaN(loss));
    assert.ok(Number.isNaN(gradient[0]));
    assert.equal(gradient[3], (1 / 1 - 1 / 0.5) / 2); // row 1, label 1: (1/S - 1/p_y) / B
    assert.equal(gradient[2], (1 / 1) / 2);
  });

  it('leaks no tensors', () => {
    const y = tf.tensor1d([1, 0], 'int32');
    const p = tf.tensor2d([[0.4, 0.6], [0.9, 0.1]]);
    const before = tf.memory().numTensors;
    const { value, grad } = tf.valueAndGrad((q: tf.Tensor) => sparseCategoricalCrossentropyWithGradient(y, q as tf.Tensor2D))(p);
    tf.dispose([value, grad]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([y, p]);
  });

  it('says which shapes do not match', () => {
    const y = tf.tensor1d([1, 0, 2], 'int32');
    const p = tf.tensor2d([[0.4, 0.6], [0.9, 0.1]]);
    assert.throws(() => sparseCategoricalCrossentropyWithGradient(y, p), /labels \[3\] and probabilities \[2,2\] do not match/);
    tf.dispose([y, p]);
  });
});

/**
 * The momentum and RMSprop/Adagrad step kernels, checked as adamStep is but more
 * strictly (they have no sums, so every output is correctly rounded): bit for bit
 * against their rule in tf ops on the cpu backend, at sizes with and without a
 * scalar tail, and on wasm against the same ops and their own fallback; then for
 * leaks and bad operands.
 */
interface StepKernelCase {
  /** What the case exercises. */
  name: string;
  shape: number[];
  /** Runs the step under test on [theta, slot, g] and returns [theta', slot']. */
  step(theta: tf.Tensor, slot: tf.Tensor, g: tf.Tensor): tf.Tensor[];
  /** The same rule in tf ops, as the optimizer writes it. */
  reference(theta: tf.Tensor, slot: tf.Tensor, g: tf.Tensor): tf.Tensor[];
}

/** Heavy-ball momentum as the Momentum optimizer writes it: m' = mu m + eta g; theta' = theta - m'. */
function momentumReference(eta: number, mu: number, nesterov: boolean) {
  return (theta: tf.Tensor, m: tf.Tensor, g: tf.Tensor): tf.Tensor[] => {
    const scaled = tf.mul(eta, g);
    const newM = tf.add(tf.mul(mu, m), scaled);
    return [tf.sub(theta, nesterov ? tf.add(tf.mul(mu, newM), scaled) : newM), newM];
  };
}

/** s' = decay s + w g g; theta' = theta - eta g / (sqrt(s') + eps), as RMSprop and Adagrad write it. */
function rmspropReference(eta: number, decay: number, w: number, eps: number) {
  return (theta: tf.Tensor, s: tf.Tensor, g: tf.Tensor): tf.Tensor[] => {
    const newS = tf.add(tf.mul(decay, s), tf.mul(w, tf.square(g)));
    return [tf.sub(theta, tf.div(tf.mul(eta, g), tf.add(tf.sqrt(newS), eps))), newS];
  };
}

const MOMENTUM = { learningRate: 0.01, momentum: 0.5 };
const NESTEROV = { learningRate: 0.01, momentum: 0.9, nesterov: true };
const RMSPROP = { learningRate: 0.001, decay: 0.9, epsilon: 1e-7 };
const ADAGRAD = { learningRate: 0.001, decay: 1, squareWeight: 1, epsilon: 1e-7 };

const STEP_KERNEL_CASES: StepKernelCase[] = [
  ...([[3], [7, 11], [784, 128]] as number[][]).flatMap((shape): StepKernelCase[] => [
    {
      name: `momentumStep (heavy ball), shape [${shape}]`, shape,
      step: (theta, m, g) => Object.values(momentumStep(theta, m, g, MOMENTUM)),
      reference: momentumReference(0.01, 0.5, false),
    },
    {
      name: `momentumStep (Nesterov), shape [${shape}]`, shape,
      step: (theta, m, g) => Object.values(momentumStep(theta, m, g, NESTEROV)),
      reference: momentumReference(0.01, 0.9, true),
    },
    {
      name: `rmspropStep (RMSprop, square weight 1 - rho by default), shape [${shape}]`, shape,
      step: (theta, s, g) => Object.values(rmspropStep(theta, s, g, RMSPROP)),
      reference: rmspropReference(0.001, 0.9, 1 - 0.9, 1e-7),
    },
    {
      name: `rmspropStep (Adagrad: decay 1, square weight 1), shape [${shape}]`, shape,
      step: (theta, s, g) => Object.values(rmspropStep(theta, s, g, ADAGRAD)),
      // Adagrad's own form, s + g g, not 1 s + 1 g g: the kernel must give exactly this.
      reference: (theta, s, g) => {
        const newS = tf.add(s, tf.square(g));
        return [tf.sub(theta, tf.div(tf.mul(0.001, g), tf.add(tf.sqrt(newS), 1e-7))), newS];
      },
    },
  ]),
];

describe('momentumStep and rmspropStep', () => {
  before(async () => {
    await initBackend('wasm');
    installFastKernels();
  });

  /** theta, slot, g for a shape; the slot is never negative (a velocity may be, a mean square may not). */
  function operands(shape: number[], seed: number): tf.Tensor[] {
    const size = shape.reduce((s, d) => s * d, 1);
    return [randomValues(size, seed), randomValues(size, seed + 1).map(Math.abs), randomValues(size, seed + 2)]
      .map((values) => tf.tensor(values, shape));
  }

  let seed = 200;
  for (const { name, shape, step, reference } of STEP_KERNEL_CASES) {
    const caseSeed = seed += 3;
    it(`${name}: agrees with the rule in tf ops on the cpu backend, bit for bit`, async () => {
      const expected = await onCpu(() => reference(...operands(shape, caseSeed) as [tf.Tensor, tf.Tensor, tf.Tensor]));
      const inputs = operands(shape, caseSeed);
      const result = step(...inputs as [tf.Tensor, tf.Tensor, tf.Tensor]);
      result.forEach((t, i) => {
        assert.deepEqual(t.shape, shape);
        // Element-wise float32 arithmetic is correctly rounded on both backends: no tolerance needed.
        assert.deepEqual(t.dataSync(), expected[i], `${name}: output ${i}`);
      });
      tf.dispose([...inputs, ...result]);
    });
  }

  for (const { name, shape, step, reference } of STEP_KERNEL_CASES.filter((c) => c.shape.length === 2)) {
    it(`${name}: runs as one wasm kernel, bit for bit the tf ops on wasm`, async () => {
      const inputs = operands(shape, 17) as [tf.Tensor, tf.Tensor, tf.Tensor];
      let fused!: tf.Tensor[];
      const profile = await tf.profile(() => (fused = step(...inputs)));
      assert.equal(profile.kernels.length, 1);
      assert.match(profile.kernels[0].name, /^DescentLab(Momentum|RMSprop)Step$/);
      const composed = tf.tidy(() => reference(...inputs));
      uninstallFastKernels();
      const fallback = step(...inputs);
      installFastKernels();
      fused.forEach((t, i) => {
        assert.deepEqual(t.dataSync(), composed[i].dataSync(), `output ${i} against the tf ops`);
        assert.deepEqual(t.dataSync(), fallback[i].dataSync(), `output ${i} against the fallback`);
      });
      tf.dispose([...inputs, ...fused, ...composed, ...fallback]);
    });
  }

  it('return two new tensors each and leak nothing else', () => {
    const inputs = operands([41], 23) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const backendBuffers = () => tf.engine().backend.numDataIds();
    const before = { numTensors: tf.memory().numTensors, buffers: backendBuffers() };
    const results = [...Object.values(momentumStep(...inputs, NESTEROV)), ...Object.values(rmspropStep(...inputs, RMSPROP))];
    assert.equal(tf.memory().numTensors, before.numTensors + 4);
    assert.equal(backendBuffers(), before.buffers + 4);
    tf.dispose([...inputs, ...results]);
  });

  it('name the operand whose shape or dtype is wrong', () => {
    const theta = tf.zeros([4, 2]);
    const wrong = tf.zeros([8]);
    const integers = tf.zeros([4, 2], 'int32');
    assert.throws(() => momentumStep(theta, wrong, theta, MOMENTUM),
      /momentumStep: velocity has shape \[8\] but the variable has \[4,2\]/);
    assert.throws(() => rmspropStep(theta, theta, wrong, RMSPROP),
      /rmspropStep: gradient has shape \[8\] but the variable has \[4,2\]/);
    assert.throws(() => rmspropStep(theta, integers, theta, RMSPROP), /rmspropStep: meanSquare is int32; it must be float32/);
    tf.dispose([theta, wrong, integers]);
  });
});
