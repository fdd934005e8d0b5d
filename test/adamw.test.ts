/**
 * AdamW (lib/optimizers/adamw.ts): golden numbers worked out by hand in float64 (the
 * comments show the arithmetic), Keras 3's defaults, makeOptimizer by name, the fused
 * and tf-ops paths bit for bit, no tensor leaks, a worker-thread run, and the lesson of
 * notebook 3: L2 inside Adam moves a weight whose loss gradient is 0 by about eta per
 * step whatever the L2 factor, while AdamW shrinks it by the fraction eta * lambda.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { installFastKernels, uninstallFastKernels } from '../lib/kernels';
import { adam, adamw, AdamW, ALL_OPTIMIZER_NAMES, makeOptimizer } from '../lib/optimizers';
import { CheckFailed, updateRule } from '../lib/checks';
import { randomValues } from './support/random-values';
import { assertClose, stepThrough } from './support/step-through';

before(async () => {
  await initBackend();
});

describe('AdamW golden numbers', () => {
  it('decays first, then takes Adam\'s step', () => {
    // eta = 0.1, lambda = 0.5: x = [1, -2] * (1 - 0.05) = [0.95, -1.9]
    // then Adam as in the golden Adam test: step = [0.08, -0.0888889]
    // x = [0.95 - 0.08, -1.9 + 0.0888889] = [0.87, -1.8111111]
    const optimizer = adamw({ learningRate: 0.1, weightDecay: 0.5, beta1: 0.9, beta2: 0.75, epsilon: 0.25 });
    assertClose(stepThrough(optimizer, [1, -2], [[2, -4]]), [0.87, -1.8111111]);
  });

  it('takes five steps', () => {
    // eta = 0.1, lambda = 0.5, beta1 = 0.5, beta2 = 0.75, eps = 0.1; m, v, eta_T and the steps
    // are those of the golden Adam test, as the decay never enters m or v:
    // T=1 g=1:   x = 0.95 * 1         = 0.95       - 0.0833333 = 0.8666667
    // T=2 g=-2:  x = 0.95 * 0.8666667 = 0.8233333  + 0.0555959 = 0.8789292
    // T=3 g=0.5: x = 0.95 * 0.8789292 = 0.8349827  + 0.0100922 = 0.8450750
    // T=4 g=3:   x = 0.95 * 0.8450750 = 0.8028212  - 0.0695853 = 0.7332359
    // T=5 g=-1:  x = 0.95 * 0.7332359 = 0.6965741  - 0.0117889 = 0.6847852
    const optimizer = adamw({ learningRate: 0.1, weightDecay: 0.5, beta1: 0.5, beta2: 0.75, epsilon: 0.1 });
    assertClose(stepThrough(optimizer, [1], [[1], [-2], [0.5], [3], [-1]]), [0.6847852]);
  });

  it('with no loss gradient, shrinks by the fraction eta * lambda a step: x = 0.95^5 after five', () => {
    // m = v = 0, so Adam's step is 0 / (0 + eps) = 0; x = 1 * 0.95^5 = 0.7737809
    const optimizer = adamw({ learningRate: 0.1, weightDecay: 0.5 });
    assertClose(stepThrough(optimizer, [1, -4], [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]), [0.7737809, -3.0951238]);
  });

  it('decays by the learning rate of the step, so a schedule scales the decay too', () => {
    // eta = 0.1 then 0.2, lambda = 0.5, g = 0: x = 1 * 0.95 * 0.9 = 0.855
    const optimizer = adamw({ learningRate: 0.1, weightDecay: 0.5 });
    const x = tf.variable(tf.tensor1d([1]));
    tf.tidy(() => optimizer.applyGradients({ [x.name]: tf.tensor1d([0]) }));
    optimizer.learningRate = 0.2;
    tf.tidy(() => optimizer.applyGradients({ [x.name]: tf.tensor1d([0]) }));
    assertClose(Array.from(x.dataSync()), [0.855]);
    x.dispose();
    optimizer.dispose();
  });

  it('is Adam when weightDecay is 0', () => {
    const gradients = [[1, 2], [-2, 0.5], [0.5, -3]];
    assert.deepEqual(stepThrough(adamw({ weightDecay: 0 }), [1, -2], gradients), stepThrough(adam(), [1, -2], gradients));
  });
});

describe('AdamW as Keras 3 has it', () => {
  it('has Keras 3\'s defaults: lr 0.001, weight decay 0.004, beta1 0.9, beta2 0.999, eps 1e-7', () => {
    const optimizer = makeOptimizer('AdamW');
    assert.ok(optimizer instanceof AdamW);
    assert.deepEqual(optimizer.getConfig(),
      { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 });
    assert.equal(optimizer.label, 'AdamW');
    optimizer.dispose();
  });

  it('is built by name in any case, with its options checked', () => {
    assert.deepEqual([...ALL_OPTIMIZER_NAMES].slice(-1), ['AdamW']);
    const optimizer = makeOptimizer('adamw', { learningRate: 0.01, weightDecay: 0.1 }) as AdamW;
    assert.equal(optimizer.weightDecay, 0.1);
    assert.equal(optimizer.learningRate, 0.01);
    optimizer.dispose();
    assert.throws(() => makeOptimizer('AdamW', { momentum: 0.9 }), /AdamW has no option momentum: its options are learningRate, beta1, beta2, epsilon, weightDecay/);
    assert.throws(() => makeOptimizer('AdamW', { weightDecay: -1 }), /AdamW: weightDecay must be a finite number of at least 0, but got -1/);
    assert.throws(() => makeOptimizer('AdamW', { beta1: 1 }), /AdamW: beta1 must be a number in \[0, 1\), but got 1/);
    assert.throws(() => makeOptimizer('Adam', { weightDecay: 0.1 }), /Adam has no option weightDecay/);
  });

  it('round-trips through tf.serialization', () => {
    const optimizer = adamw({ learningRate: 0.02, weightDecay: 0.3 });
    const copy = AdamW.fromConfig(AdamW, optimizer.getConfig()) as AdamW;
    assert.deepEqual(copy.getConfig(), optimizer.getConfig());
    optimizer.dispose();
    copy.dispose();
  });
});

describe('AdamW against L2 inside Adam', () => {
  it('L2 in Adam moves a weight with no loss gradient by about eta a step, whatever lambda; AdamW by eta * lambda * w', () => {
    // L2 0.001 * w^2: g = 0.002 * w, and Adam's first step is eta_1 (1 - beta1) g / (sqrt((1 - beta2) g^2) + eps)
    // = 0.001 * g / (|g| + 1e-7 / sqrt(0.001)) = 0.001 (to 1e-6 relative): w = 1 -> 0.999, and w = 0.5 -> 0.499.
    // AdamW (lambda 0.004): w = 1 -> 1 - 0.001 * 0.004 = 0.999996, and 0.5 -> 0.499998.
    const x = tf.variable(tf.tensor1d([1, 0.5]));
    const withL2 = adam();
    withL2.applyGradientsWithL2({ [x.name]: tf.zeros([2]) }, { [x.name]: 0.001 });
    assertClose(Array.from(x.dataSync()), [0.9990016, 0.4990032]);
    withL2.dispose();
    x.assign(tf.tensor1d([1, 0.5]));
    const decoupled = makeOptimizer('AdamW');
    tf.tidy(() => decoupled.applyGradients({ [x.name]: tf.zeros([2]) }));
    assertClose(Array.from(x.dataSync()), [0.999996, 0.499998], 1e-7);
    decoupled.dispose();
    x.dispose();
  });

  it('with an L2 penalty too, takes the penalty\'s gradient at the weights before the decay', () => {
    // eta = 0.1, lambda = 0.5, L2 0.25: g = 0 + 2 * 0.25 * 1 = 0.5 at w = 1 (not at 0.95);
    // decay: 0.95; Adam (beta1 0.9, beta2 0.75, eps 0.25): m = 0.05, v = 0.0625, eta_1 = 0.5
    // step = 0.5 * 0.05 / (0.25 + 0.25) = 0.05: w = 0.9
    const x = tf.variable(tf.tensor1d([1]));
    const optimizer = adamw({ learningRate: 0.1, weightDecay: 0.5, beta1: 0.9, beta2: 0.75, epsilon: 0.25 });
    const squares = optimizer.applyGradientsWithL2({ [x.name]: tf.zeros([1]) }, { [x.name]: 0.25 });
    assertClose(Array.from(x.dataSync()), [0.9]);
    assert.equal(squares[x.name], 1);
    optimizer.dispose();
    x.dispose();
  });
});

describe('AdamW in practice', () => {
  it('gives the same numbers with the fused Adam kernel (wasm) as with tf ops, bit for bit, L2 included', async (t) => {
    if ((await initBackend()).name !== 'wasm') return t.skip('the fused kernels are a wasm optimization');
    const shapes = [[7, 11], [13]];
    const makeRun = () => ({
      variables: shapes.map((shape, i) => tf.variable(tf.tensor(randomValues(shape[0] * (shape[1] ?? 1), 10 + i), shape))),
      optimizer: makeOptimizer('AdamW', { learningRate: 0.05, weightDecay: 0.2 }),
    });
    const fused = makeRun();
    const withOps = makeRun();
    try {
      for (let step = 1; step <= 6; step++) {
        if (step === 4) for (const run of [fused, withOps]) run.optimizer.learningRate = 0.02;
        for (const [run, fast] of [[fused, true], [withOps, false]] as const) {
          if (!fast) uninstallFastKernels();
          const gradients = Object.fromEntries(run.variables.map((variable, i) =>
            [variable.name, tf.tensor(randomValues(variable.size, 100 * step + i), variable.shape)]));
          if (step % 2 === 0) run.optimizer.applyGradientsWithL2(gradients, { [run.variables[0].name]: 0.01 });
          else run.optimizer.applyGradients(gradients);
          tf.dispose(Object.values(gradients));
          installFastKernels();
        }
      }
      fused.variables.forEach((variable, i) => assert.deepEqual(variable.dataSync(), withOps.variables[i].dataSync(), `variable ${i}`));
    } finally {
      installFastKernels();
      for (const run of [fused, withOps]) { run.optimizer.dispose(); tf.dispose(run.variables); }
    }
  });

  it('leaks no tensors: steady while stepping, back to the start after dispose', () => {
    const start = tf.memory().numTensors;
    const x = tf.tidy(() => tf.variable(tf.ones([3, 4])));
    const optimizer = makeOptimizer('AdamW');
    const step = () => tf.tidy(() => optimizer.applyGradients({ [x.name]: tf.fill([3, 4], 0.5) }));
    step();
    const afterFirstStep = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    const gradient = tf.zeros([3, 4]);
    optimizer.applyGradientsWithL2({ [x.name]: gradient }, { [x.name]: 0.01 });
    gradient.dispose();
    assert.equal(tf.memory().numTensors, afterFirstStep, 'tensors grew while stepping');
    optimizer.dispose();
    x.dispose();
    assert.equal(tf.memory().numTensors, start, 'tensors left after dispose');
  });
});

describe('the from-scratch check of notebook 3 (dl.checks.updateRule(\'AdamW\', ...))', () => {
  type Rule = (theta: number, g: number) => number;
  /** Notebook 3's solution: decay, then the course's Adam. */
  const adamWFromScratch = (eta = 0.001, lambda = 0.004, beta1 = 0.9, beta2 = 0.999, eps = 1e-7): Rule => {
    let m = 0, s = 0, T = 0;
    return (theta, g) => {
      T += 1;
      const decayed = theta - eta * lambda * theta;
      m = beta1 * m + (1 - beta1) * g;
      s = beta2 * s + (1 - beta2) * g * g;
      return decayed - (eta * m / (1 - beta1 ** T)) / Math.sqrt(s / (1 - beta2 ** T) + eps);
    };
  };

  it('passes the rule with the decay, from theta = 5', () => {
    assert.match(updateRule('AdamW', () => adamWFromScratch()),
      /^passed: your AdamW step matches dl.makeOptimizer\('AdamW'\) to 1e-6 on 100 steps of J = \(theta - 3\)\^2 from theta = 5/);
  });

  it('fails plain Adam at the first step: the decay, 2e-5 there, is 20 times the tolerance', () => {
    assert.throws(() => updateRule('AdamW', () => adamWFromScratch(0.001, 0)),
      (error: Error) => error instanceof CheckFailed && /at step 1 of 100 \(theta = 5, g = 4\)/.test(error.message));
  });

  it('fails a decay by lambda alone, without the learning rate', () => {
    assert.throws(() => updateRule('AdamW', () => adamWFromScratch(0.001, 0.004 / 0.001)), CheckFailed);
  });
});
