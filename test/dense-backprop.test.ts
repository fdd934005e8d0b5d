import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { loadMnist } from '../lib/data';
import { buildCompile } from '../lib/models';
import { fit } from '../lib/training';
import { denseGradients, densePlan, type MaskMaker } from '../lib/training/dense-backprop';
import { sparseCategoricalCrossentropy } from '../lib/training/loss';
import { l2GradientAndSquares } from '../lib/kernels';

let x: tf.Tensor3D;
let y: tf.Tensor1D;

before(async () => {
  await initBackend();
  const data = await loadMnist({ trainSamples: 256, testSamples: 1 });
  [x, y] = [tf.slice(data.xTrain, 0, 32), tf.slice(data.yTrain, 0, 32)];
  tf.dispose(Object.values(data));
});

/** The gradients of the same forward pass taken by TensorFlow.js's tape, dropout masks given. */
function tapedGradients(model: tf.LayersModel, masks: tf.Tensor[]) {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.variableGrads(() => {
    let a = tf.reshape(x, [32, -1]);
    let maskIndex = 0;
    for (const layer of model.layers.slice(1)) {
      a = layer.getClassName() === 'Dropout' ? tf.mul(a, masks[maskIndex++]) : layer.apply(a) as tf.Tensor;
    }
    const penalty = model.calculateLosses();
    return tf.addN([sparseCategoricalCrossentropy(y, a as tf.Tensor2D), ...penalty]) as tf.Scalar;
  }, variables);
}

const variants = {
  plain: {},
  l2: { l2: 0.001 },
  dropout: { dropout: 0.2 },
  'hidden dropout only': { dropout: 0.5, outputDropout: false },
  'L2 and dropout': { l2: 0.01, dropout: 0.3 },
};

for (const [name, options] of Object.entries(variants)) {
  test(`hand-written gradients equal the tape's: ${name}`, () => {
    const model = buildCompile('SGD', { ...options, seed: 4 });
    const plan = densePlan(model);
    assert.ok(plan, 'the course network is understood');
    const masks: tf.Tensor[] = [];
    const recordMask: MaskMaker = (shape, rate) => {
      const mask = tf.keep(tf.div(tf.cast(tf.greaterEqual(tf.randomUniform(shape, 0, 1, 'float32', masks.length + 1), rate), 'float32'), 1 - rate));
      masks.push(mask);
      return mask;
    };
    const before = tf.memory().numTensors;
    const byHand = denseGradients(plan, x, y, recordMask);
    assert.equal(tf.memory().numTensors - before, Object.keys(byHand.grads).length + masks.length, 'only the gradients (and kept masks) survive');
    const taped = tapedGradients(model, masks);
    // The L2 penalties are the update's to add (applyWithPenalties); add them here as it would.
    const penalized: tf.NamedTensorMap = { ...byHand.grads };
    let penalty = 0;
    for (const [variable, factor] of Object.entries(byHand.l2)) {
      const [gradient, squares] = l2GradientAndSquares(byHand.grads[variable], tf.engine().registeredVariables[variable], factor);
      penalized[variable] = gradient;
      penalty += factor * squares.dataSync()[0];
      squares.dispose();
    }
    assert.equal(Object.keys(byHand.l2).length, 'l2' in options ? 2 : 0, 'both kernels are penalized when the model has L2');
    const loss = byHand.loss + penalty;
    assert.ok(Math.abs(loss - taped.value.dataSync()[0]) < 1e-5, `loss ${loss} vs taped ${taped.value.dataSync()[0]}`);
    for (const [variable, gradient] of Object.entries(taped.grads)) {
      const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(gradient, penalized[variable]))).dataSync()[0]);
      const scale = tf.tidy(() => tf.max(tf.abs(gradient)).dataSync()[0]);
      assert.ok(difference <= 1e-5 * Math.max(1, scale), `${variable}: differs by ${difference} (scale ${scale})`);
    }
    tf.dispose([...new Set([...Object.values(byHand.grads), ...Object.values(penalized)]), taped.value, ...Object.values(taped.grads), ...masks]);
    model.dispose();
  });
}

test('models outside the course shapes fall back to the tape', () => {
  const sigmoid = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'sigmoid' }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
  assert.equal(densePlan(sigmoid), undefined);
  const noSoftmax = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
  assert.equal(densePlan(noSoftmax), undefined);
  const l1 = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, activation: 'softmax', kernelRegularizer: tf.regularizers.l1({ l1: 0.1 }) })] });
  assert.equal(densePlan(l1), undefined);
  tf.dispose([sigmoid, noSoftmax, l1].flatMap((m) => m.getWeights()));
});

test('fit gives the same history with hand-written gradients as with the tape', async () => {
  const run = async (tape: boolean) => {
    const model = buildCompile('Adam', { l2: 0.001, seed: 9 });
    const history = await fit(model, x, y, { epochs: 3, batchSize: 8, seed: 9, verbose: 0, tape, validationData: [x, y] });
    model.dispose();
    return history.history;
  };
  const [byHand, taped] = [await run(false), await run(true)];
  for (const key of ['loss', 'acc', 'val_loss', 'val_acc'] as const) {
    byHand[key]!.forEach((value, epoch) => assert.ok(Math.abs(value - taped[key]![epoch]) < 1e-4, `${key}[${epoch}]: ${value} vs ${taped[key]![epoch]}`));
  }
});

test('an optimizer from outside the library gets the L2 penalties added to its gradients', async () => {
  const run = async (tape: boolean) => {
    const model = buildCompile(tf.train.sgd(0.05), { l2: 0.01, seed: 5 });
    const history = await fit(model, x, y, { epochs: 2, batchSize: 8, seed: 5, verbose: 0, tape });
    model.dispose();
    return history.history.loss;
  };
  const [byHand, taped] = [await run(false), await run(true)];
  byHand.forEach((value, epoch) => assert.ok(Math.abs(value - taped[epoch]) < 1e-4, `loss[${epoch}]: ${value} vs ${taped[epoch]}`));
});
