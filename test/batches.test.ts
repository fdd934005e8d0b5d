/**
 * Batches cut on the JavaScript side (lib/training/batches.ts): on wasm they are read
 * straight out of the tensor's memory, also after that memory has grown, and equal
 * what tf.gather gives; on the cpu backend they come from one copy.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { BatchSource } from '../lib/training/batches';
import { randomValues } from './support/random-values';

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`BatchSource on ${backend}`, () => {
    it('gives the rows tf.gather gives, in any order, also after the memory grew', async () => {
      await initBackend(backend);
      const x = tf.tensor3d(randomValues(50 * 4 * 3, 5), [50, 4, 3]);
      const y = tf.tensor1d(Int32Array.from({ length: 50 }, (_, i) => i % 10), 'int32');
      const source = new BatchSource(x, y);
      const rows = Int32Array.from([49, 0, 17, 17, 3]);
      const check = () => {
        const [images, labels] = source.rows(rows);
        assert.deepEqual(images.shape, [5, 4, 3]);
        assert.deepEqual(Array.from(images.dataSync()), Array.from(tf.gather(x, rows).dataSync()));
        assert.deepEqual(Array.from(labels.dataSync()), [9, 0, 7, 7, 3]);
        const [slice] = source.range(10, 2);
        assert.deepEqual(Array.from(slice.dataSync()), Array.from(tf.slice(x, 10, 2).dataSync()));
        tf.dispose([images, labels, slice]);
      };
      check();
      const big = tf.zeros([64, 1024, 1024]); // 256 MB: the wasm memory grows and its buffer is replaced
      check();
      tf.dispose([x, y, big]);
    });
  });
}
