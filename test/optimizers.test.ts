/**
 * The optimizers' contract beyond their arithmetic: Keras's defaults, names,
 * validation, serialization, a changeable learning rate, saved state, and no
 * tensor leaks. The update rules themselves are checked in
 * optimizers-golden.test.ts and optimizers-tfjs.test.ts.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import {
  adagrad, adam, DescentOptimizer, makeOptimizer, momentum, nadam, nesterov, OPTIMIZER_NAMES, rmsprop, sgd,
} from '../lib/optimizers';

before(async () => {
  await initBackend();
});

/** Applies each gradient in turn to `variable`, one step each. */
function applySteps(optimizer: DescentOptimizer, variable: tf.Variable, gradients: number[][]): void {
  for (const gradient of gradients) {
    tf.tidy(() => optimizer.applyGradients({ [variable.name]: tf.tensor(gradient, variable.shape) }));
  }
}

describe('defaults', () => {
  const expected: Record<string, tf.serialization.ConfigDict> = {
    SGD: { learningRate: 0.01 },
    Momentum: { learningRate: 0.01, momentum: 0.5 },
    Nesterov: { learningRate: 0.01, momentum: 0.5 },
    RMSprop: { learningRate: 0.001, rho: 0.9, epsilon: 1e-7 },
    Adagrad: { learningRate: 0.001, epsilon: 1e-7, initialAccumulatorValue: 0 },
    Adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    NAdam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  };
  const factories: Record<string, () => DescentOptimizer> = {
    SGD: () => sgd(), Momentum: () => momentum(), Nesterov: () => nesterov(), RMSprop: () => rmsprop(),
    Adagrad: () => adagrad(), Adam: () => adam(), NAdam: () => nadam(),
  };

  for (const name of OPTIMIZER_NAMES) {
    it(`${name} has the expected defaults (Keras's, from the course's table)`, () => {
      assert.deepEqual(factories[name]().getConfig(), expected[name]);
      assert.deepEqual(makeOptimizer(name).getConfig(), expected[name]);
    });
  }

  it('lists the seven names in the course order', () => {
    assert.deepEqual([...OPTIMIZER_NAMES], ['SGD', 'Momentum', 'Nesterov', 'RMSprop', 'Adagrad', 'Adam', 'NAdam']);
  });
});

describe('makeOptimizer', () => {
  it('accepts names in any case, including Keras\'s "Nadam"', () => {
    assert.equal(makeOptimizer('adam').label, 'Adam');
    assert.equal(makeOptimizer('RMSPROP').label, 'RMSprop');
    assert.equal(makeOptimizer('Nadam').label, 'NAdam');
    assert.equal(makeOptimizer('nesterov').label, 'Nesterov');
  });

  it('applies overrides on top of the defaults', () => {
    assert.deepEqual(makeOptimizer('Momentum', { momentum: 0.9 }).getConfig(), { learningRate: 0.01, momentum: 0.9 });
  });

  it('rejects an unknown name, naming it and listing the valid ones', () => {
    assert.throws(() => makeOptimizer('Adamax'),
      /Unknown optimizer "Adamax": use one of SGD, Momentum, Nesterov, RMSprop, Adagrad, Adam, NAdam/);
  });

  it('rejects an option the optimizer does not have, listing the ones it has', () => {
    assert.throws(() => makeOptimizer('Adam', { momentum: 0.9 }),
      /Adam has no option momentum: its options are learningRate, beta1, beta2, epsilon/);
  });
});

describe('hyperparameter validation', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['SGD', { learningRate: 0 }, /SGD: learningRate must be a finite number greater than 0, but got 0\./],
    ['SGD', { learningRate: -0.1 }, /learningRate must be a finite number greater than 0, but got -0\.1/],
    ['Adam', { learningRate: NaN }, /Adam: learningRate must be .* but got NaN/],
    ['Adam', { learningRate: '0.1' }, /Adam: learningRate must be .* but got "0\.1"/],
    ['Momentum', { momentum: -0.5 }, /Momentum: momentum must be a number in \[0, 1\], but got -0\.5/],
    ['Nesterov', { momentum: 1.5 }, /Nesterov: momentum must be a number in \[0, 1\], but got 1\.5/],
    ['RMSprop', { rho: 1 }, /RMSprop: rho must be a number in \[0, 1\), but got 1/],
    ['RMSprop', { epsilon: 0 }, /RMSprop: epsilon must be a finite number greater than 0, but got 0/],
    ['Adagrad', { initialAccumulatorValue: -1 }, /Adagrad: initialAccumulatorValue must be a finite number of at least 0, but got -1/],
    ['Adam', { beta1: 1 }, /Adam: beta1 must be a number in \[0, 1\), but got 1/],
    ['Adam', { beta2: Infinity }, /Adam: beta2 must be a number in \[0, 1\), but got Infinity/],
    ['NAdam', { beta1: -0.1 }, /NAdam: beta1 must be a number in \[0, 1\), but got -0\.1/],
    ['NAdam', { epsilon: -1e-7 }, /NAdam: epsilon must be a finite number greater than 0, but got -1e-7/],
  ];
  for (const [name, options, message] of cases) {
    it(`${name} rejects ${JSON.stringify(options) ?? String(options)}`, () => {
      assert.throws(() => makeOptimizer(name, options), message);
    });
  }

  it('checks a learning rate set later, too', () => {
    const optimizer = adam();
    assert.throws(() => { optimizer.learningRate = -1; }, /Adam: learningRate must be .* but got -1/);
    assert.throws(() => optimizer.setLearningRate(Infinity), /but got Infinity/);
    assert.equal(optimizer.learningRate, 0.001);
  });
});

describe('serialization', () => {
  for (const name of OPTIMIZER_NAMES) {
    it(`${name}: getConfig -> fromConfig through the tf.serialization registry gives an equal optimizer`, () => {
      const original = makeOptimizer(name, { learningRate: 0.123 });
      const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[original.getClassName()];
      const copy = fromConfig(cls, original.getConfig()) as DescentOptimizer;
      assert.equal(copy.constructor, original.constructor);
      assert.deepEqual(copy.getConfig(), original.getConfig());
      assert.equal(original.getClassName(), `DescentLab>${name}`);
    });
  }

  it('leaves TensorFlow.js\'s own registered optimizers in place', () => {
    const registry = tf.serialization.SerializationMap.getMap().classNameMap;
    assert.equal(registry['Adam'][0], tf.AdamOptimizer);
    assert.equal(registry['SGD'][0], tf.SGDOptimizer);
  });
});

describe('learning rate', () => {
  it('takes effect on the next step (SGD)', () => {
    const x = tf.tidy(() => tf.variable(tf.tensor1d([1])));
    const optimizer = sgd({ learningRate: 0.1 });
    applySteps(optimizer, x, [[1]]); // x = 1 - 0.1 * 1 = 0.9
    optimizer.learningRate = 0.5;
    applySteps(optimizer, x, [[1]]); // x = 0.9 - 0.5 * 1 = 0.4
    optimizer.setLearningRate(0.25);
    applySteps(optimizer, x, [[1]]); // x = 0.4 - 0.25 * 1 = 0.15
    assert.ok(Math.abs(x.dataSync()[0] - 0.15) < 1e-6, `x = ${x.dataSync()[0]}`);
    x.dispose();
    optimizer.dispose();
  });

  it('enters the momentum velocity from the step it is set (Keras form)', () => {
    const x = tf.tidy(() => tf.variable(tf.tensor1d([1])));
    const optimizer = momentum({ learningRate: 0.1, momentum: 0.5 });
    applySteps(optimizer, x, [[1]]); // m = 0.1, x = 0.9
    optimizer.learningRate = 0.2;
    applySteps(optimizer, x, [[1]]); // m = 0.05 + 0.2 = 0.25, x = 0.65
    assert.ok(Math.abs(x.dataSync()[0] - 0.65) < 1e-6, `x = ${x.dataSync()[0]}`);
    x.dispose();
    optimizer.dispose();
  });

  // For these, a step is eta times something that does not depend on eta, so
  // doubling eta before a step doubles that step exactly.
  for (const name of ['RMSprop', 'Adagrad', 'Adam', 'NAdam'] as const) {
    it(`${name}: doubling the rate before step 3 doubles step 3`, () => {
      const stepThree = (double: boolean): number => {
        const x = tf.tidy(() => tf.variable(tf.tensor1d([1, -1])));
        const optimizer = makeOptimizer(name, { learningRate: 0.01 });
        applySteps(optimizer, x, [[0.5, -2], [1, 3]]);
        const before = x.dataSync()[1];
        if (double) optimizer.learningRate = 0.02;
        applySteps(optimizer, x, [[-1, 0.5]]);
        const step = x.dataSync()[1] - before;
        x.dispose();
        optimizer.dispose();
        return step;
      };
      const ratio = stepThree(true) / stepThree(false);
      assert.ok(Math.abs(ratio - 2) < 1e-4, `ratio ${ratio}`);
    });
  }
});

describe('state', () => {
  for (const name of OPTIMIZER_NAMES) {
    it(`${name}: getWeights -> setWeights carries the state to a fresh optimizer`, async () => {
      const gradients = [[0.5, -2], [1, 3], [-1, 0.5]];
      const x = tf.tidy(() => tf.variable(tf.tensor1d([1, -1])));
      const original = makeOptimizer(name, { learningRate: 0.1 });
      applySteps(original, x, gradients.slice(0, 2));

      const y = tf.tidy(() => tf.variable(x.clone()));
      const restored = makeOptimizer(name, { learningRate: 0.1 });
      const weights = (await original.getWeights()).map(({ name: weight, tensor }) =>
        ({ name: weight.replace(x.name, y.name), tensor }));
      await restored.setWeights(weights);
      assert.equal(restored.iterations, 2);

      applySteps(original, x, gradients.slice(2));
      applySteps(restored, y, gradients.slice(2));
      assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
      tf.dispose([x, y, weights[0].tensor]);
      original.dispose();
      restored.dispose();
    });
  }

  it('names the slots "<variable>/<slot>", as TensorFlow.js does', async () => {
    const x = tf.tidy(() => tf.variable(tf.zeros([2]), true, 'kernel-for-slot-names'));
    const optimizer = adam();
    applySteps(optimizer, x, [[1, 1]]);
    const weights = await optimizer.getWeights();
    assert.deepEqual(weights.map((w) => w.name), ['iter', 'kernel-for-slot-names/m', 'kernel-for-slot-names/v']);
    tf.dispose([x, weights[0].tensor]);
    optimizer.dispose();
  });

  it('rejects a gradient for a variable that does not exist', () => {
    const optimizer = sgd();
    assert.throws(() => tf.tidy(() => optimizer.applyGradients({ 'no-such-variable': tf.ones([1]) })),
      /SGD: got a gradient for "no-such-variable", but no variable of that name exists/);
    optimizer.dispose();
  });
});

describe('memory', () => {
  for (const name of OPTIMIZER_NAMES) {
    it(`${name} leaks no tensors: steady while stepping, back to the start after dispose`, () => {
      const start = tf.memory().numTensors;
      const kernel = tf.tidy(() => tf.variable(tf.ones([3, 2])));
      const bias = tf.tidy(() => tf.variable(tf.zeros([2])));
      const optimizer = makeOptimizer(name);
      const step = (): void => tf.tidy(() => optimizer.applyGradients({
        [kernel.name]: tf.fill([3, 2], 0.5),
        [bias.name]: tf.fill([2], -0.25),
      }));

      step(); // creates the slots and cached scalars
      const afterFirstStep = tf.memory().numTensors;
      const slotsPerVariable = { SGD: 0, Momentum: 1, Nesterov: 1, RMSprop: 1, Adagrad: 1, Adam: 2, NAdam: 2 }[name];
      assert.ok(afterFirstStep >= start + 2 + 2 * slotsPerVariable);
      for (let i = 0; i < 5; i++) step();
      optimizer.learningRate = optimizer.learningRate / 2; // swaps the cached rate scalar
      step();
      assert.equal(tf.memory().numTensors, afterFirstStep, 'tensors grew while stepping');

      optimizer.dispose();
      tf.dispose([kernel, bias]);
      assert.equal(tf.memory().numTensors, start, 'tensors left after dispose');
    });
  }
});
