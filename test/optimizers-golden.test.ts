/**
 * Golden tests: each optimizer, fed a fixed gradient sequence, must land on
 * numbers worked out by hand (in float64; the comments show the arithmetic).
 * The hyperparameters are chosen for readable arithmetic and, for the adaptive
 * optimizers, an eps large enough that putting it inside the square root
 * instead of outside would fail the test.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { adagrad, adam, momentum, nadam, nesterov, rmsprop, sgd } from '../lib/optimizers';
import { assertClose, stepThrough } from './support/step-through';

/** The five-step tests all start from x = 1 and see these gradients. */
const FIVE_GRADIENTS = [[1], [-2], [0.5], [3], [-1]];

before(async () => {
  await initBackend();
});

describe('SGD', () => {
  it('takes one step of -eta * g', () => {
    // x = [1, -2] - 0.1 * [0.5, -1] = [0.95, -1.9]
    assertClose(stepThrough(sgd({ learningRate: 0.1 }), [1, -2], [[0.5, -1]]), [0.95, -1.9]);
  });

  it('takes five steps', () => {
    // The gradients sum to 1 - 2 + 0.5 + 3 - 1 = 1.5, so x = 1 - 0.1 * 1.5 = 0.85.
    assertClose(stepThrough(sgd({ learningRate: 0.1 }), [1], FIVE_GRADIENTS), [0.85]);
  });
});

describe('Momentum', () => {
  it('takes one step: m = eta * g, as the velocity starts at 0', () => {
    // m = 0.9 * 0 + 0.1 * [0.5, -1] = [0.05, -0.1]; x = [1, -2] - m = [0.95, -1.9]
    assertClose(stepThrough(momentum({ learningRate: 0.1, momentum: 0.9 }), [1, -2], [[0.5, -1]]),
      [0.95, -1.9]);
  });

  it('takes five steps', () => {
    // eta = 0.1, momentum = 0.5; m <- 0.5 m + 0.1 g; x <- x - m
    // T=1 g=1:   m = 0 + 0.1          = 0.1      x = 1 - 0.1         = 0.9
    // T=2 g=-2:  m = 0.05 - 0.2       = -0.15    x = 0.9 + 0.15      = 1.05
    // T=3 g=0.5: m = -0.075 + 0.05    = -0.025   x = 1.05 + 0.025    = 1.075
    // T=4 g=3:   m = -0.0125 + 0.3    = 0.2875   x = 1.075 - 0.2875  = 0.7875
    // T=5 g=-1:  m = 0.14375 - 0.1    = 0.04375  x = 0.7875 - 0.04375 = 0.74375
    assertClose(stepThrough(momentum({ learningRate: 0.1, momentum: 0.5 }), [1], FIVE_GRADIENTS), [0.74375]);
  });
});

describe('Nesterov', () => {
  it('takes one step of -(momentum * m + eta * g)', () => {
    // m = 0.1 * [0.5, -1] = [0.05, -0.1]
    // x = [1, -2] - (0.9 * [0.05, -0.1] + [0.05, -0.1]) = [1, -2] - [0.095, -0.19] = [0.905, -1.81]
    assertClose(stepThrough(nesterov({ learningRate: 0.1, momentum: 0.9 }), [1, -2], [[0.5, -1]]),
      [0.905, -1.81]);
  });

  it('takes five steps', () => {
    // m as in the Momentum test; x <- x - (0.5 m + 0.1 g)
    // T=1: x = 1 - (0.05 + 0.1)          = 0.85
    // T=2: x = 0.85 - (-0.075 - 0.2)     = 1.125
    // T=3: x = 1.125 - (-0.0125 + 0.05)  = 1.0875
    // T=4: x = 1.0875 - (0.14375 + 0.3)  = 0.64375
    // T=5: x = 0.64375 - (0.021875 - 0.1) = 0.721875
    assertClose(stepThrough(nesterov({ learningRate: 0.1, momentum: 0.5 }), [1], FIVE_GRADIENTS), [0.721875]);
  });
});

describe('RMSprop', () => {
  it('takes one step with eps outside the square root, as Keras does', () => {
    // s = 0.75 * 0 + 0.25 * [4, 16] = [1, 4]; sqrt(s) + eps = [1.25, 2.25]
    // x = [1, -2] - 0.1 * [2 / 1.25, -4 / 2.25] = [1 - 0.16, -2 + 0.177777...] = [0.84, -1.822222...]
    // (eps inside, 0.1 * 2 / sqrt(1.25) = 0.178885..., would give 0.821115 instead of 0.84.)
    assertClose(stepThrough(rmsprop({ learningRate: 0.1, rho: 0.75, epsilon: 0.25 }), [1, -2], [[2, -4]]),
      [0.84, -1.8222222]);
  });

  it('takes five steps', () => {
    // eta = 0.1, rho = 0.5, eps = 0.1; s <- 0.5 s + 0.5 g^2; x <- x - 0.1 g / (sqrt(s) + 0.1)
    // T=1 g=1:   s = 0.5     step = 0.1 / (0.7071068 + 0.1)    = 0.1238993  x = 0.8761007
    // T=2 g=-2:  s = 2.25    step = -0.2 / (1.5 + 0.1)         = -0.125     x = 1.0011007
    // T=3 g=0.5: s = 1.25    step = 0.05 / (1.1180340 + 0.1)   = 0.0410498  x = 0.9600509
    // T=4 g=3:   s = 5.125   step = 0.3 / (2.2638463 + 0.1)    = 0.1269118  x = 0.8331391
    // T=5 g=-1:  s = 3.0625  step = -0.1 / (1.75 + 0.1)        = -0.0540541 x = 0.8871931
    assertClose(stepThrough(rmsprop({ learningRate: 0.1, rho: 0.5, epsilon: 0.1 }), [1], FIVE_GRADIENTS),
      [0.8871931]);
  });
});

describe('Adagrad', () => {
  it('takes one step with eps outside the square root, as Keras does', () => {
    // s = 0 + [4, 1]; sqrt(s) + eps = [2.25, 1.25]
    // x = [1, -2] - 0.1 * [2 / 2.25, -1 / 1.25] = [1 - 0.0888889, -2 + 0.08] = [0.9111111, -1.92]
    assertClose(stepThrough(adagrad({ learningRate: 0.1, epsilon: 0.25 }), [1, -2], [[2, -1]]),
      [0.9111111, -1.92]);
  });

  it('starts the accumulator at initialAccumulatorValue', () => {
    // s = 5 + 2^2 = 9; x = 1 - 0.1 * 2 / (3 + 1) = 1 - 0.05 = 0.95
    const optimizer = adagrad({ learningRate: 0.1, epsilon: 1, initialAccumulatorValue: 5 });
    assertClose(stepThrough(optimizer, [1], [[2]]), [0.95]);
  });

  it('takes five steps', () => {
    // eta = 0.1, eps = 0.1; s <- s + g^2; x <- x - 0.1 g / (sqrt(s) + 0.1)
    // T=1 g=1:   s = 1      step = 0.1 / 1.1               = 0.0909091  x = 0.9090909
    // T=2 g=-2:  s = 5      step = -0.2 / (2.2360680 + 0.1) = -0.0856139 x = 0.9947049
    // T=3 g=0.5: s = 5.25   step = 0.05 / (2.2912878 + 0.1) = 0.0209092  x = 0.9737956
    // T=4 g=3:   s = 14.25  step = 0.3 / (3.7749172 + 0.1)  = 0.0774210  x = 0.8963746
    // T=5 g=-1:  s = 15.25  step = -0.1 / (3.9051248 + 0.1) = -0.0249680 x = 0.9213426
    assertClose(stepThrough(adagrad({ learningRate: 0.1, epsilon: 0.1 }), [1], FIVE_GRADIENTS), [0.9213426]);
  });
});

describe('Adam', () => {
  it('takes one step of -eta_1 * m / (sqrt(v) + eps), as Keras does', () => {
    // m = 0.1 * [2, -4] = [0.2, -0.4]; v = 0.25 * [4, 16] = [1, 4]
    // eta_1 = 0.1 * sqrt(1 - 0.75) / (1 - 0.9) = 0.1 * 0.5 / 0.1 = 0.5
    // x = [1, -2] - 0.5 * [0.2 / 1.25, -0.4 / 2.25] = [1 - 0.08, -2 + 0.0888889] = [0.92, -1.9111111]
    // (TensorFlow.js's form, 0.1 * 2 / (2 + 0.25), would give 0.9111111.)
    const optimizer = adam({ learningRate: 0.1, beta1: 0.9, beta2: 0.75, epsilon: 0.25 });
    assertClose(stepThrough(optimizer, [1, -2], [[2, -4]]), [0.92, -1.9111111]);
  });

  it('takes five steps', () => {
    // eta = 0.1, beta1 = 0.5, beta2 = 0.75, eps = 0.1
    // m <- 0.5 m + 0.5 g; v <- 0.75 v + 0.25 g^2; eta_T = 0.1 sqrt(1 - 0.75^T) / (1 - 0.5^T)
    // T=1 g=1:   m = 0.5     v = 0.25        eta_T = 0.1        step = 0.1 * 0.5 / 0.6           = 0.0833333
    // T=2 g=-2:  m = -0.75   v = 1.1875      eta_T = 0.0881917  step = eta_T * -0.75 / 1.1897247 = -0.0555959
    // T=3 g=0.5: m = -0.125  v = 0.953125    eta_T = 0.0868966  step = eta_T * -0.125 / 1.0762812 = -0.0100922
    // T=4 g=3:   m = 1.4375  v = 2.9648438   eta_T = 0.0881917  step = eta_T * 1.4375 / 1.8218722 = 0.0695853
    // T=5 g=-1:  m = 0.21875 v = 2.4736328   eta_T = 0.0901496  step = eta_T * 0.21875 / 1.6727787 = 0.0117889
    // x = 1 - 0.0833333 + 0.0555959 + 0.0100922 - 0.0695853 - 0.0117889 = 0.9009805
    const optimizer = adam({ learningRate: 0.1, beta1: 0.5, beta2: 0.75, epsilon: 0.1 });
    assertClose(stepThrough(optimizer, [1], FIVE_GRADIENTS), [0.9009805]);
  });
});

describe('NAdam', () => {
  it('takes one step with the scheduled momentum', () => {
    // beta1 = 0.9, beta2 = 0.75, eta = 0.1, eps = 0.25
    // mu_1 = 0.9 (1 - 0.5 * 0.96^0.004) = 0.9 (1 - 0.5 * 0.9998367) = 0.4500735 = P_1
    // mu_2 = 0.9 (1 - 0.5 * 0.96^0.008) = 0.4501469;  1 - P_1 mu_2 = 0.7974008
    // m = 0.1 g = [0.2, -0.4];  v = 0.25 g^2 = [1, 4];  v_hat = v / 0.25 = [4, 16]
    // m_hat = mu_2 m / 0.7974008 + (1 - mu_1) g / (1 - P_1) = [0.1129036 + 2, -0.2258071 - 4]
    // x = [1, -2] - 0.1 * [2.1129036 / 2.25, -4.2258071 / 4.25] = [1 - 0.0939068, -2 + 0.0994308]
    const optimizer = nadam({ learningRate: 0.1, beta1: 0.9, beta2: 0.75, epsilon: 0.25 });
    assertClose(stepThrough(optimizer, [1, -2], [[2, -4]]), [0.9060932, -1.9005692]);
  });

  it('takes five steps', () => {
    // eta = 0.1, beta1 = 0.5, beta2 = 0.75, eps = 0.1; m, v as in the Adam test
    // mu_T = 0.5 (1 - 0.5 * 0.96^(0.004 T)): 0.2500408, 0.2500816, 0.2501224, 0.2501632, 0.2502040, (mu_6) 0.2502448
    // P_T: 0.2500408, 0.0625306, 0.0156403, 0.0039126, 0.0009790
    // m_hat = mu_{T+1} m / (1 - P_T mu_{T+1}) + (1 - mu_T) g / (1 - P_T); v_hat = v / (1 - 0.75^T)
    // T=1: m_hat = 1.1333812   v_hat = 1         step = 0.1 * m_hat / (1 + 0.1)         = 0.1030347
    // T=2: m_hat = -1.7904505  v_hat = 2.7142857 step = 0.1 * m_hat / (1.6475089 + 0.1) = -0.1024573
    // T=3: m_hat = 0.3495029   v_hat = 1.6486486 step = 0.1 * m_hat / (1.2839971 + 0.1) = 0.0252532
    // T=4: m_hat = 2.6183671   v_hat = 4.3371429 step = 0.1 * m_hat / (2.0825808 + 0.1) = 0.1199666
    // T=5: m_hat = -0.6957762  v_hat = 3.2432778 step = 0.1 * m_hat / (1.8009103 + 0.1) = -0.0366023
    // x = 1 - 0.1030347 + 0.1024573 - 0.0252532 - 0.1199666 + 0.0366023 = 0.8908052
    const optimizer = nadam({ learningRate: 0.1, beta1: 0.5, beta2: 0.75, epsilon: 0.1 });
    assertClose(stepThrough(optimizer, [1], FIVE_GRADIENTS), [0.8908052]);
  });
});
