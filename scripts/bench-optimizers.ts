/**
 * Benchmark of the optimizer update alone: one `applyGradients` on the course
 * network's four variables (784x128 and 128x10 kernels, their biases, 101,770
 * parameters), with fixed gradients, for each Descent Lab optimizer in up to
 * three forms:
 *
 * - `fast`: as `initBackend()` leaves it (one fused wasm kernel per variable
 *   where the optimizer has one);
 * - `tf ops`: the same optimizer after `uninstallFastKernels()`, i.e. its update
 *   written with tf ops (what it costs on a backend without the fused kernels);
 * - `tf.train`: TensorFlow.js's own optimizer with the same hyperparameters,
 *   where it has one.
 *
 * Prints kernels per step (from `tf.profile`) and, per step, the median CPU
 * time (`process.cpuUsage`, steadier than wall time on a shared machine) and
 * the median wall time over the repetitions, plus the CPU seconds that makes
 * per epoch (1875 steps). The forms of one optimizer are measured in turn
 * within each repetition, so a burst of load on the machine hits them alike,
 * after one untimed round: the first thousand or so steps of a process run
 * slower (the JavaScript engine is still compiling), and without it that would
 * count against whichever optimizer comes first.
 *
 *   node build/scripts/bench-optimizers.js [--steps 300] [--reps 9] [--only Adam,NAdam]
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { installFastKernels, uninstallFastKernels } from '../lib/kernels';
import { makeOptimizer, OPTIMIZER_NAMES, OptimizerName } from '../lib/optimizers';

const SHAPES = [[784, 128], [128], [128, 10], [10]];
const STEPS_PER_EPOCH = 1875;

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
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

/** One way of updating: an optimizer on its own copy of the variables, under one set of kernels. */
interface Form {
  label: string;
  optimizer: tf.Optimizer;
  fastKernels: boolean;
  variables: tf.Variable[];
  gradients: tf.NamedTensorMap;
  kernelsPerStep: number;
  cpuMs: number[];
  wallMs: number[];
}

function useKernels(fast: boolean): void {
  if (fast) installFastKernels();
  else uninstallFastKernels();
}

async function makeForm(label: string, optimizer: tf.Optimizer, fastKernels: boolean): Promise<Form> {
  useKernels(fastKernels);
  const variables = SHAPES.map((shape) => tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 0.05))));
  const gradients: tf.NamedTensorMap = {};
  variables.forEach((variable) => { gradients[variable.name] = tf.randomNormal(variable.shape, 0, 0.01); });
  optimizer.applyGradients(gradients); // creates the slots and cached scalars
  const profile = await tf.profile(() => optimizer.applyGradients(gradients));
  return { label, optimizer, fastKernels, variables, gradients, kernelsPerStep: profile.kernels.length, cpuMs: [], wallMs: [] };
}

/** Runs `steps` updates of one form and records their CPU and wall time per step. */
async function timeForm(form: Form, steps: number): Promise<void> {
  useKernels(form.fastKernels);
  const startCpu = process.cpuUsage();
  const startWall = performance.now();
  for (let i = 0; i < steps; i++) form.optimizer.applyGradients(form.gradients);
  await form.variables[0].data(); // wait for the backend to finish
  const wall = performance.now() - startWall;
  const { user, system } = process.cpuUsage(startCpu);
  form.cpuMs.push((user + system) / 1000 / steps);
  form.wallMs.push(wall / steps);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function disposeForm(form: Form): void {
  form.optimizer.dispose();
  tf.dispose([...form.variables, ...Object.values(form.gradients)]);
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const steps = Number(option('steps', '300'));
  const reps = Number(option('reps', '9'));
  const only = option('only', OPTIMIZER_NAMES.join(',')).split(',');
  const names = OPTIMIZER_NAMES.filter((name) => only.some((wanted) => wanted.toLowerCase() === name.toLowerCase()));
  console.log(`Backend: ${backend.name} (${backend.reason}); ${steps} steps x ${reps} repetitions; ` +
    `load average ${loadavg()[0].toFixed(1)}`);
  console.log('optimizer            form      kernels/step  CPU ms/step  wall ms/step  CPU s/epoch');
  for (const name of names) {
    const forms = [await makeForm('fast', makeOptimizer(name), true)];
    if (backend.name === 'wasm') forms.push(await makeForm('tf ops', makeOptimizer(name), false));
    const twin = TFJS_TWINS[name];
    if (twin) forms.push(await makeForm('tf.train', twin(), false));
    for (let rep = 0; rep <= reps; rep++) {
      for (const form of forms) await timeForm(form, steps);
    }
    for (const form of forms) { // drop the warm-up round
      form.cpuMs.shift();
      form.wallMs.shift();
    }
    for (const form of forms) {
      const cpu = median(form.cpuMs);
      console.log(`${name.padEnd(21)}${form.label.padEnd(10)}${String(form.kernelsPerStep).padStart(12)}` +
        `${cpu.toFixed(3).padStart(13)}${median(form.wallMs).toFixed(3).padStart(14)}` +
        `${(cpu * STEPS_PER_EPOCH / 1000).toFixed(2).padStart(13)}`);
      disposeForm(form);
    }
  }
  installFastKernels(); // leave the process as initBackend left it
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
