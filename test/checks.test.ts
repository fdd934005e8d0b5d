/**
 * The student editions' checks (lib/checks/): each passes on code that computes what the library
 * computes (the notebooks' own solutions), fails with a message naming the first difference on a
 * typical wrong solution, and says "not implemented yet" on the student edition's stub. None leaks
 * a tensor.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as dl from '../lib';
import { CheckFailed } from '../lib/checks';

type Rule = dl.checks.UpdateRule;

/** What the student edition's stub does when it runs. */
const stub = (): never => {
  throw new Error('not implemented yet');
};

/** Notebook 1's solutions, as written there. */
const fromScratch: Record<dl.OptimizerName, () => Rule> = {
  SGD: (eta = 0.01) => (theta, g) => theta - eta * g,
  Momentum: (eta = 0.01, beta = 0.5) => {
    let m = 0;
    return (theta, g) => { m = beta * m + eta * g; return theta - m; };
  },
  Nesterov: (eta = 0.01, beta = 0.5) => {
    let m = 0;
    return (theta, g) => { m = beta * m + eta * g; return theta - (beta * m + eta * g); };
  },
  RMSprop: (eta = 0.001, beta = 0.9, eps = 1e-7) => {
    let s = 0;
    return (theta, g) => { s = beta * s + (1 - beta) * g * g; return theta - eta * g / Math.sqrt(s + eps); };
  },
  Adagrad: (eta = 0.001, eps = 1e-7) => {
    let s = 0;
    return (theta, g) => { s = s + g * g; return theta - eta * g / Math.sqrt(s + eps); };
  },
  Adam: (eta = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-7) => {
    let m = 0, s = 0, T = 0;
    return (theta, g) => {
      T += 1;
      m = beta1 * m + (1 - beta1) * g;
      s = beta2 * s + (1 - beta2) * g * g;
      const mHat = m / (1 - beta1 ** T), sHat = s / (1 - beta2 ** T);
      return theta - eta * mHat / Math.sqrt(sHat + eps);
    };
  },
  NAdam: (eta = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-7) => {
    const mu = (T: number) => beta1 * (1 - 0.5 * 0.96 ** (0.004 * T));
    let m = 0, s = 0, T = 0, P = 1;
    return (theta, g) => {
      T += 1;
      P *= mu(T);
      m = beta1 * m + (1 - beta1) * g;
      s = beta2 * s + (1 - beta2) * g * g;
      const mHat = (mu(T + 1) * m) / (1 - P * mu(T + 1)) + ((1 - mu(T)) * g) / (1 - P);
      const sHat = s / (1 - beta2 ** T);
      return theta - eta * mHat / (Math.sqrt(sHat) + eps);
    };
  },
};

/** Asserts that `run` throws a CheckFailed whose message matches every pattern. */
function assertFails(run: () => unknown, ...patterns: RegExp[]): string {
  let message = '';
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CheckFailed, `a CheckFailed, not ${String(error)}`);
    message = error.message;
    return true;
  });
  for (const pattern of patterns) assert.match(message, pattern);
  return message;
}

/** Runs `body` and asserts it left no tensor behind. */
function withoutLeaks(body: () => void): void {
  const tensors = tf.memory().numTensors;
  body();
  assert.equal(tf.memory().numTensors, tensors, 'tensors leaked');
}

before(async () => {
  await dl.initBackend();
});

describe('checks.updateRule', () => {
  for (const name of dl.OPTIMIZER_NAMES) {
    it(`passes notebook 1's ${name} rule: it matches dl.makeOptimizer('${name}') on 100 steps`, () => {
      withoutLeaks(() => {
        assert.equal(dl.checks.updateRule(name, fromScratch[name]),
          `passed: your ${name} step matches dl.makeOptimizer('${name}') to 1e-6 on 100 steps of J = (theta - 3)^2 from theta = 0`);
      });
    });

    it(`says the ${name} rule is not implemented yet, whether the stub is in the rule or in its factory`, () => {
      withoutLeaks(() => {
        assertFails(() => dl.checks.updateRule(name, () => stub), new RegExp(`^your ${name} rule is not implemented yet`));
        assertFails(() => dl.checks.updateRule(name, stub), new RegExp(`^your ${name} rule is not implemented yet`));
      });
    });
  }

  it('fails Adam without bias correction at step 1, with theta, gradient, got and expected', () => {
    const noBiasCorrection = (eta = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-7): Rule => {
      let m = 0, s = 0;
      return (theta, g) => {
        m = beta1 * m + (1 - beta1) * g;
        s = beta2 * s + (1 - beta2) * g * g;
        return theta - eta * m / Math.sqrt(s + eps);
      };
    };
    withoutLeaks(() => {
      // m / sqrt(s) = 0.1 g / (0.0316 |g|) on the first step: 3.16 eta instead of eta.
      assertFails(() => dl.checks.updateRule('Adam', noBiasCorrection),
        /^your Adam rule differs from dl\.makeOptimizer\('Adam'\) at step 1 of 100 \(theta = 0, g = -6\): got new theta = 0\.0031622\d*, expected 0\.00099999\d*/);
    });
  });

  it('fails Nesterov written as plain momentum at step 1 (0.06 instead of 0.09)', () => {
    assertFails(() => dl.checks.updateRule('Nesterov', fromScratch.Momentum),
      /at step 1 of 100 \(theta = 0, g = -6\): got new theta = 0\.06, expected 0\.08999999\d*/);
  });

  it('tolerates eps outside the root (a 1e-11 difference) but fails a wrong learning rate at step 1', () => {
    const epsOutside = (eta = 0.001, eps = 1e-7): Rule => {
      let s = 0;
      return (theta, g) => { s += g * g; return theta - eta * g / (Math.sqrt(s) + eps); };
    };
    // Inside or outside the root, eps = 1e-7 changes the step by about 1e-11: within the tolerance.
    assert.match(dl.checks.updateRule('Adagrad', epsOutside), /^passed/);
    const wrongEta = (): Rule => (fromScratch.Adagrad as (eta: number) => Rule)(0.0011);
    assertFails(() => dl.checks.updateRule('Adagrad', wrongEta), /at step 1 of 100/, /got new theta = 0\.0011, expected 0\.00100000\d*/);
  });

  it('fails a rule that returns NaN or something other than a number, naming the step', () => {
    assertFails(() => dl.checks.updateRule('SGD', () => () => NaN), /step 1 \(theta = 0, g = -6\), the new theta of your SGD rule is NaN/);
    assertFails(() => dl.checks.updateRule('SGD', () => (() => 'x') as unknown as Rule), /is "x" \(a string\); it must be a finite number/);
    assertFails(() => dl.checks.updateRule('SGD', (() => 5) as unknown as () => Rule), /returned number, not a rule/);
  });

  it('reports any other error the student code throws', () => {
    assertFails(() => dl.checks.updateRule('SGD', () => () => { throw new TypeError('x is undefined'); }),
      /^your SGD rule threw TypeError: x is undefined$/);
  });

  it('has the expected defaults: the course hyperparameters, 100 steps, 1e-6', () => {
    assert.deepEqual(dl.checks.COURSE_OPTIMIZER_OPTIONS, {
      SGD: {}, Momentum: { learningRate: 0.01, momentum: 0.5 }, Nesterov: { learningRate: 0.01, momentum: 0.5 },
      RMSprop: {}, Adagrad: {}, Adam: {}, NAdam: {},
    });
    assert.match(dl.checks.updateRule('SGD', fromScratch.SGD, { steps: 5, tolerance: 1e-3 }), /to 1e-3 on 5 steps/);
    // With Keras's Momentum default (0.9, not the course's 0.5) the course's rule is wrong.
    assertFails(() => dl.checks.updateRule('Momentum', fromScratch.Momentum, { optimizerOptions: { momentum: 0.9 } }), /at step 2 of 100/);
  });

  it('refuses an unknown optimizer name with the list of names', () => {
    assert.throws(() => dl.checks.updateRule('Adamax' as dl.OptimizerName, fromScratch.Adam), /unknown optimizer "Adamax"; use one of SGD, Momentum/);
  });
});

describe('checks.schedule', () => {
  const eta0 = 0.01, nEpochs = 50;
  const byHand = {
    time: (t: number) => eta0 / (1 + (eta0 / nEpochs) * t),
    step: (t: number) => eta0 * 0.5 ** Math.floor(t / 10),
    exp: (t: number) => eta0 * Math.exp(-0.1 * t),
  };

  for (const kind of ['time', 'step', 'exp'] as const) {
    it(`passes notebook 2's ${kind} schedule and says the stub is not implemented yet`, () => {
      assert.match(dl.checks.schedule(kind, byHand[kind]), new RegExp(`^passed: your ${dl.checks.COURSE_SCHEDULES[kind].title} gives the rate of dl\\.`));
      assertFails(() => dl.checks.schedule(kind, stub), /is not implemented yet/);
    });
  }

  it('accepts the same formula computed in another order (to 1e-9, relative)', () => {
    assert.match(dl.checks.schedule('exp', (t) => eta0 * Math.exp(-0.1) ** t), /^passed/);
  });

  it('fails step decay that drops one epoch early (t + 1), naming epoch 9', () => {
    assertFails(() => dl.checks.schedule('step', (t) => eta0 * 0.5 ** Math.floor((t + 1) / 10)),
      /^your step decay differs from dl\.stepDecay\(\{ initialLearningRate: 0\.01, dropRate: 0\.5, epochsDrop: 10 \}\) at epoch 9: got 0\.005, expected 0\.01\.$/);
  });

  it('fails time-based decay with decay 0.01 (eta0, not eta0 / n_epochs) at epoch 1', () => {
    assertFails(() => dl.checks.schedule('time', (t) => eta0 / (1 + eta0 * t)), /at epoch 1: got 0\.00990099\d*, expected 0\.009998\d*/);
  });

  it('has the expected defaults: the course schedules, 50 epochs, 1e-9 relative', () => {
    assert.deepEqual(Object.fromEntries(Object.entries(dl.checks.COURSE_SCHEDULES).map(([kind, s]) => [kind, s.make().config])), {
      time: { kind: 'time', initialLearningRate: 0.01, decay: 0.0002 },
      step: { kind: 'step', initialLearningRate: 0.01, dropRate: 0.5, epochsDrop: 10 },
      exp: { kind: 'exp', initialLearningRate: 0.01, k: 0.1 },
      warmupCosine: { kind: 'warmupCosine', initialLearningRate: 0.001, warmupTarget: 0.1, warmupSteps: 1875, decaySteps: 35625, alpha: 0 },
      oneCycle: { kind: 'oneCycle', maxLearningRate: 0.1, totalSteps: 37500, pctStart: 0.25, div: 25, divFinal: 1e5 },
    });
    assert.match(dl.checks.schedule('time', byHand.time), /every epoch 0-49 \(to 1e-9, relative\)/);
    // Off by 1e-10 relative: within the default, not within 1e-12.
    const nearly = (t: number) => byHand.time(t) * (1 + 1e-10);
    assert.match(dl.checks.schedule('time', nearly), /^passed/);
    assertFails(() => dl.checks.schedule('time', nearly, { tolerance: 1e-12 }), /at epoch 0/);
  });
});

describe('checks.schedule on the per-step schedules', () => {
  /** Notebook 2's one-cycle solution, as written there. */
  const etaMax = 0.1, cycleSteps = 37_500;
  function oneCycleByHand(i: number): number {
    const p = Math.min(i / cycleSteps, 1);
    const ramp = (from: number, to: number, q: number) => from + (to - from) * (1 + Math.cos(Math.PI * (1 - q))) / 2;
    return p < 0.25 ? ramp(etaMax / 25, etaMax, p / 0.25) : ramp(etaMax, etaMax / 1e5, (p - 0.25) / 0.75);
  }

  it("passes notebook 2's one-cycle schedule on every step of the 20-epoch run, and says the stub is not implemented yet", () => {
    assert.equal(dl.checks.schedule('oneCycle', oneCycleByHand),
      'passed: your one-cycle schedule gives the rate of dl.oneCycle({ maxLearningRate: 0.1, totalSteps: 37500 }) on every step 0-37499 (to 1e-9, relative)');
    assertFails(() => dl.checks.schedule('oneCycle', stub), /your one-cycle schedule is not implemented yet/);
  });

  // The peak is step 9375; the wrong floor shows past 1e-9 (relative) 183 steps later.
  it('fails a one-cycle schedule that ends at eta_max / (div * divFinal), naming the first step that differs', () => {
    const tooLow = (i: number) => {
      const p = i / cycleSteps;
      const ramp = (from: number, to: number, q: number) => from + (to - from) * (1 + Math.cos(Math.PI * (1 - q))) / 2;
      return p < 0.25 ? ramp(etaMax / 25, etaMax, p / 0.25) : ramp(etaMax, etaMax / 25 / 1e5, (p - 0.25) / 0.75);
    };
    assertFails(() => dl.checks.schedule('oneCycle', tooLow), /at step 9558: got 0\.0999895542, expected 0\.0999895543\.$/);
  });

  it('checks warm-up then cosine against the course parameters', () => {
    const byHand = (i: number) => (i < 1875 ? 0.001 + (0.1 - 0.001) * i / 1875 : 0.1 * (1 + Math.cos(Math.PI * (i - 1875) / 35625)) / 2);
    assert.match(dl.checks.schedule('warmupCosine', byHand), /^passed: .* on every step 0-37499/);
    assertFails(() => dl.checks.schedule('warmupCosine', (i) => byHand(i + 1)), /at step 0: got 0\.0010528, expected 0\.001\./);
  });
});

describe('checks.earlyStoppingRule', () => {
  /** Notebook 3's solution, as written there. */
  function epochsBeforeStop(valLoss: number[], patience = 0, minDelta = 0): number {
    let best = Infinity, wait = 0;
    for (let epoch = 0; epoch < valLoss.length; epoch++) {
      if (valLoss[epoch] < best - minDelta) { best = valLoss[epoch]; wait = 0; }
      else if (++wait >= patience) return epoch + 1;
    }
    return valLoss.length;
  }

  it('runs the library callback to the epochs worked out by hand for each case', () => {
    assert.deepEqual(dl.checks.EARLY_STOPPING_CASES.map(dl.checks.libraryEpochsBeforeStop), [5, 3, 3, 2, 3, 6, 3, 4]);
  });

  it("passes notebook 3's rule and says the stub is not implemented yet", () => {
    assert.equal(dl.checks.earlyStoppingRule(epochsBeforeStop),
      'passed: your early-stopping rule stops where dl.earlyStopping does on all 8 cases (rises, ties, patience 0-2, minDelta)');
    assertFails(() => dl.checks.earlyStoppingRule(stub), /^your early-stopping rule is not implemented yet/);
  });

  it('fails a rule that counts a tie as an improvement, naming the case', () => {
    const tieImproves = (valLoss: number[], patience = 0, minDelta = 0) =>
      epochsBeforeStop(valLoss.map((v, i) => (i > 0 && v === valLoss[i - 1] ? v - 1e-9 : v)), patience, minDelta);
    assertFails(() => dl.checks.earlyStoppingRule(tieImproves),
      /in case 3 of 8, val_loss = \[0\.9, 0\.7, 0\.7, 0\.6\]: got 4 epochs, expected 3\.$/);
  });

  it('fails a rule that ignores minDelta, and one that never resets its wait', () => {
    assertFails(() => dl.checks.earlyStoppingRule((valLoss, patience) => epochsBeforeStop(valLoss, patience, 0)),
      /minDelta: 0\.05 \}\) in case 7 of 8/, /got 5 epochs, expected 3/);
    const noReset = (valLoss: number[], patience = 0) => {
      let best = Infinity, wait = 0;
      for (let epoch = 0; epoch < valLoss.length; epoch++) {
        if (valLoss[epoch] < best) best = valLoss[epoch];
        else if (++wait >= patience) return epoch + 1;
      }
      return valLoss.length;
    };
    assertFails(() => dl.checks.earlyStoppingRule(noReset), /patience: 2, minDelta: 0 \}\) in case 6 of 8/, /got 5 epochs, expected 6/);
  });
});

describe('checks.l2Penalty', () => {
  /** Notebook 3's solution, as written there. */
  function l2PenaltyFromScratch(model: tf.LayersModel, lambda: number): number {
    const kernels = model.layers.flatMap((layer) => layer.getWeights().filter((w) => w.shape.length === 2));
    return kernels.reduce((sum, w) => sum + lambda * tf.sum(tf.square(w)).dataSync()[0], 0);
  }

  it("passes notebook 3's penalty, without leaking its tensors or the check's", () => {
    withoutLeaks(() => {
      assert.equal(dl.checks.l2Penalty(l2PenaltyFromScratch),
        "passed: your L2 penalty equals the model's own on the course network (lambda = 0.001, 0.01) to 1e-4, relative");
    });
  });

  it('passes a penalty summed in float64 from the weights\' values (more exact than the library\'s float32 sum)', () => {
    const inFloat64 = (model: tf.LayersModel, lambda: number) => model.layers
      .flatMap((layer) => layer.getWeights().filter((w) => w.shape.length === 2))
      .reduce((sum, w) => sum + lambda * Array.from(w.dataSync()).reduce((s, v) => s + v * v, 0), 0);
    assert.match(dl.checks.l2Penalty(inFloat64, { lambdas: [0.001, 0.01], seed: 3 }), /^passed/);
  });

  it('says the stub is not implemented yet', () => {
    withoutLeaks(() => assertFails(() => dl.checks.l2Penalty(stub), /^your L2 penalty is not implemented yet/));
  });

  it('fails a penalty that sums the biases too, and says so', () => {
    const withBiases = (model: tf.LayersModel, lambda: number) =>
      model.getWeights().reduce((sum, w) => sum + lambda * tf.sum(tf.square(w)).dataSync()[0], 0);
    withoutLeaks(() => {
      assertFails(() => dl.checks.l2Penalty(withBiases), /with lambda|l2: 0\.001/, /The difference is the biases' share/);
    });
  });

  it('fails a penalty that ignores its lambda argument, on the second factor', () => {
    assertFails(() => dl.checks.l2Penalty((model) => l2PenaltyFromScratch(model, 0.001)), /l2: 0\.01 \}/);
  });

  it('has the expected defaults: lambda 0.001 and 0.01, 1e-4 relative', () => {
    assert.match(dl.checks.l2Penalty(l2PenaltyFromScratch, { lambdas: [0.5] }), /\(lambda = 0\.5\) to 1e-4/);
    // Half a per cent off passes a loose tolerance only.
    const off = (model: tf.LayersModel, lambda: number) => l2PenaltyFromScratch(model, lambda) * 1.005;
    assert.match(dl.checks.l2Penalty(off, { tolerance: 0.01 }), /^passed/);
    assertFails(() => dl.checks.l2Penalty(off), /l2: 0\.001 \}/);
  });
});
