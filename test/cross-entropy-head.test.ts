/**
 * The JavaScript head of a training step (softmax, output dropout, Keras's loss, the
 * accuracy count and the gradient with respect to the logits) against the same thing
 * written with tf ops and differentiated by TensorFlow.js's tape, and against
 * tfjs-layers' own sparse categorical cross-entropy on outputs that do not sum to 1.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { crossEntropyHead } from '../lib/training/cross-entropy-head';
import { sparseCategoricalCrossentropy } from '../lib/training/loss';
import { randomValues } from './support/random-values';

const BATCH = 32;
const CLASSES = 10;
const labels = Int32Array.from({ length: BATCH }, (_, i) => (i * 7) % CLASSES);
const logits = randomValues(BATCH * CLASSES, 11).map((v) => 6 * v); // some rows confident, some not
// Dropout(0.2) after the softmax: kept entries scaled by 1 / 0.8, about a fifth dropped.
const mask = randomValues(BATCH * CLASSES, 12).map((v) => (v < -0.6 ? 0 : 1.25));

/** The head with tf ops: loss and d loss / d logits from the tape, and the argmax count. */
function taped(dropout: boolean) {
  return tf.tidy(() => {
    const y = tf.tensor1d(labels, 'int32');
    const r = tf.tensor2d(mask, [BATCH, CLASSES]);
    const outputs = (z: tf.Tensor) => (dropout ? tf.mul(tf.softmax(z), r) : tf.softmax(z)) as tf.Tensor2D;
    const z = tf.tensor2d(logits, [BATCH, CLASSES]);
    const { value, grad } = tf.valueAndGrad((zz: tf.Tensor) => sparseCategoricalCrossentropy(y, outputs(zz)))(z);
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(outputs(z), 1), y), 'int32'));
    return { loss: value.dataSync()[0], correct: correct.dataSync()[0], grad: grad.dataSync() as Float32Array };
  });
}

describe('crossEntropyHead', () => {
  before(async () => {
    await initBackend('wasm');
  });

  for (const dropout of [false, true]) {
    it(`gives the taped loss, count and logit gradients ${dropout ? 'with dropout after the softmax' : 'for a plain softmax'}`, () => {
      const head = crossEntropyHead(logits, labels, dropout ? mask : undefined);
      const expected = taped(dropout);
      assert.ok(Math.abs(head.loss - expected.loss) < 1e-5, `loss ${head.loss}, taped ${expected.loss}`);
      assert.equal(head.correct, expected.correct);
      head.dLogits.forEach((value, i) => assert.ok(Math.abs(value - expected.grad[i]) < 1e-6,
        `dLogits[${i}] is ${value}, the tape says ${expected.grad[i]}`));
    });
  }

  it('renormalizes as tfjs-layers\' sparseCategoricalCrossentropy does, where the outputs do not sum to 1', () => {
    const expected = tf.tidy(() => {
      const input = tf.input({ shape: [1] });
      const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor });
      model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
      const [loss] = (model as unknown as { lossFunctions: ((y: tf.Tensor, p: tf.Tensor) => tf.Tensor)[] }).lossFunctions;
      model.dispose();
      const outputs = tf.mul(tf.softmax(tf.tensor2d(logits, [BATCH, CLASSES])), tf.tensor2d(mask, [BATCH, CLASSES]));
      // Rows whose label was dropped are clipped to 1e-7 twice by tfjs-layers (before and after
      // dividing by the sum), once by Keras; compare the rows where the two agree.
      const kept = Array.from(labels).map((label, row) => mask[row * CLASSES + label] > 0);
      const perRow = loss(tf.tensor1d(labels, 'float32'), outputs).dataSync();
      return { perRow, kept };
    });
    const keptRows = expected.kept.flatMap((keep, row) => (keep ? [row] : []));
    assert.ok(keptRows.length > BATCH / 2, 'most rows keep their label');
    for (const row of keptRows) {
      const head = crossEntropyHead(logits.subarray(row * CLASSES, (row + 1) * CLASSES), [labels[row]],
        mask.subarray(row * CLASSES, (row + 1) * CLASSES));
      assert.ok(Math.abs(head.loss - expected.perRow[row]) < 2e-6, `row ${row}: ${head.loss} vs tfjs-layers ${expected.perRow[row]}`);
    }
    // And it is not the loss the library had before, -log(clip(q_y)), which ignores the row sums.
    const q = tf.tidy(() => tf.mul(tf.softmax(tf.tensor2d(logits, [BATCH, CLASSES])), tf.tensor2d(mask, [BATCH, CLASSES])).dataSync());
    const unnormalized = Array.from(labels).reduce((sum, label, row) =>
      sum - Math.log(Math.min(Math.max(q[row * CLASSES + label], 1e-7), 1 - 1e-7)), 0) / BATCH;
    const renormalized = crossEntropyHead(logits, labels, mask).loss;
    assert.ok(Math.abs(renormalized - unnormalized) > 0.05, `${renormalized} vs ${unnormalized}`);
  });

  it('makes the loss NaN when a logit is NaN, as a diverged run must show', () => {
    const broken = Float32Array.from(logits);
    broken[5] = NaN;
    assert.ok(Number.isNaN(crossEntropyHead(broken, labels).loss));
  });

  it('says when the arrays do not make rows of one width', () => {
    assert.throws(() => crossEntropyHead(new Float32Array(31), labels), /31 logits do not make 32 rows of the same width/);
    assert.throws(() => crossEntropyHead(logits, labels, new Float32Array(3)), /and 3 mask values do not make 32 rows/);
  });
});
