/**
 * Benchmark of the optimizer update alone: one `applyGradients` on the course
 * network's four variables (784x128 and 128x10 kernels, their biases), with
 * fixed gradients, for each Descent Lab optimizer and, where it exists,
 * TensorFlow.js's own. Prints kernels per step (from `tf.profile`) and the
 * median and best ms per step over several repetitions, plus what that costs
 * per epoch (1875 steps).
 *
 *   node build/scripts/bench-optimizers.js [--steps 200] [--reps 5]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { makeOptimizer, OPTIMIZER_NAMES, OptimizerName } from '../lib/optimizers';

const SHAPES = [[784, 128], [128], [128, 10], [10]];
const STEPS_PER_EPOCH = 1875;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** TensorFlow.js's optimizer with the same hyperparameters, where it has one. */
const TFJS_TWINS: Partial<Record<OptimizerName, () => tf.Optimizer>> = {
  SGD: () => tf.train.sgd(0.01),
  Momentum: () => tf.train.momentum(0.01, 0.5),
  Nesterov: () => tf.train.momentum(0.01, 0.5, true),
  RMSprop: () => tf.train.rmsprop(0.001, 0.9, 0, 1e-7),
  Adagrad: () => tf.train.adagrad(0.001, 1e-7),
  Adam: () => tf.train.adam(0.001, 0.9, 0.999, 1e-7),
};

async function measure(optimizer: tf.Optimizer, steps: number, reps: number): Promise<[number, number, number]> {
  const variables = SHAPES.map((shape) => tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 0.05))));
  const gradients: tf.NamedTensorMap = {};
  variables.forEach((variable) => { gradients[variable.name] = tf.randomNormal(variable.shape, 0, 0.01); });
  const step = (): void => optimizer.applyGradients(gradients);

  step(); // creates the slots
  const profile = await tf.profile(step);
  const times: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const start = performance.now();
    for (let i = 0; i < steps; i++) step();
    await variables[0].data(); // wait for the backend to finish
    times.push((performance.now() - start) / steps);
  }
  optimizer.dispose();
  tf.dispose([...variables, ...Object.values(gradients)]);
  times.sort((a, b) => a - b);
  return [profile.kernels.length, times[Math.floor(times.length / 2)], times[0]];
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const steps = option('steps', 200);
  const reps = option('reps', 5);
  console.log(`Backend: ${backend.name} (${backend.reason}); ${steps} steps x ${reps} repetitions`);
  console.log('optimizer             kernels/step  median ms/step  best ms/step  s/epoch (median)');
  const row = (label: string, [kernels, median, best]: [number, number, number]): void =>
    console.log(`${label.padEnd(22)}${String(kernels).padStart(12)}${median.toFixed(3).padStart(16)}` +
      `${best.toFixed(3).padStart(14)}${(median * STEPS_PER_EPOCH / 1000).toFixed(2).padStart(18)}`);
  for (const name of OPTIMIZER_NAMES) {
    row(name, await measure(makeOptimizer(name), steps, reps));
    const twin = TFJS_TWINS[name];
    if (twin) row(`  tf.train (${name})`, await measure(twin(), steps, reps));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
