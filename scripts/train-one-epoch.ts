/**
 * Trains the course network for one epoch on all 60,000 MNIST images (SGD,
 * batch 32, the 10,000 test images as validation) through `fit`, prints the
 * Keras log and the history, and says how long the epoch took on which backend.
 *
 *     node build/scripts/train-one-epoch.js [optimizer]
 */
import * as tf from '@tensorflow/tfjs';
import { buildCompile, fit, initBackend, loadMnist } from '../lib';

async function main(): Promise<void> {
  const optimizer = process.argv[2] ?? 'SGD';
  const backend = await initBackend();
  console.log(`Backend: ${backend.name} (${backend.reason})`);
  const data = await loadMnist();
  const model = buildCompile(optimizer, { seed: 1 });
  const history = await fit(model, data.xTrain, data.yTrain, {
    epochs: 1, batchSize: 32, validationData: [data.xTest, data.yTest], seed: 1,
  });
  console.log(JSON.stringify(history.history));
  console.log(`One epoch of 60,000 samples with ${optimizer}, batch 32, validation included: ${history.epochSeconds[0].toFixed(2)} s on ${backend.name}.`);
  model.dispose();
  tf.dispose(Object.values(data));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
