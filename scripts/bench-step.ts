/**
 * Micro-benchmark of one training step of the course network on the current backend.
 *
 * Builds Flatten(784) -> Dense(128, relu) -> Dense(10, softmax) with `tf.sequential`,
 * then times a lean loop (tf.variableGrads over model.apply + a sparse categorical
 * cross-entropy written with tf ops, then the optimizer's applyGradients) and prints the median ms/step over several
 * repetitions, the projected seconds per epoch (1875 steps + 10,000 test samples),
 * and a `tf.profile` breakdown of one step by kernel.
 *
 *   node build/scripts/bench-step.js [--stock] [--optimizer sgd|adam|fused-adam] [--loop tape|direct|manual] [--loss taped|custom] [--steps 200] [--reps 5]
 *
 * `--stock` runs the stock wasm kernels (`uninstallFastKernels()`), to compare in one checkout.
 * `--optimizer fused-adam` updates with `adamStep` (one kernel per variable) instead of tf.train.adam.
 * `--loop direct` keeps the tape but computes the forward pass with tf ops on the layers'
 * variables instead of `model.apply`, to measure what tfjs-layers' bookkeeping costs.
 * `--loss custom` uses `sparseCategoricalCrossentropyWithGradient` (hand-written gradient).
 * `--loop manual` replaces the tape (tf.variableGrads) with hand-written gradients of
 * this one network: a prototype that measures what a fused training step would save.
 * The machine is shared, so each figure is given as the median and the best repetition, in
 * wall time and in CPU time. An epoch is projected as 1875 steps plus the evaluation.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import {
  adamStep, installFastKernels, sparseCategoricalCrossentropyWithGradient, uninstallFastKernels,
} from '../lib/kernels';

const BATCH = 32;
const CLASSES = 10;
const STEPS_PER_EPOCH = 60000 / BATCH;
const TEST_SAMPLES = 10000;
const EVAL_BATCH = 1000;

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

function buildModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28] }),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'glorotUniform' }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'glorotUniform' }),
    ],
  });
}

/** -mean(log(p[label])) with p clipped to [1e-7, 1 - 1e-7], as Keras computes it. */
function sparseCategoricalCrossentropy(labels: tf.Tensor1D, probs: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(probs, 1e-7, 1 - 1e-7);
    const picked = tf.sum(tf.mul(clipped, tf.oneHot(labels, CLASSES)), 1);
    return tf.neg(tf.mean(tf.log(picked))) as tf.Scalar;
  });
}

type Weights = [tf.Variable, tf.Variable, tf.Variable, tf.Variable];

/**
 * Loss and gradients of the course network written out by hand, without the tape:
 * about half the kernels of the taped step. With g = (p - onehot) / B, zeroed where
 * the label's probability was clipped (the clip passes no gradient there):
 * dW2 = h^T g, db2 = sum g, dh = g W2^T * [h > 0], dW1 = x^T dh, db1 = sum dh.
 */
function manualGradients(
  [w1, b1, w2, b2]: Weights, x: tf.Tensor, labels: tf.Tensor1D,
): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
  return tf.tidy(() => {
    const batch = x.shape[0];
    const flat = tf.reshape(x, [batch, -1]);
    const hidden = tf.relu(tf.add(tf.matMul(flat, w1), b1));
    const probs = tf.softmax(tf.add(tf.matMul(hidden, w2), b2));
    const oneHot = tf.oneHot(labels, CLASSES);
    const picked = tf.sum(tf.mul(probs, oneHot), 1);
    const loss = tf.neg(tf.mean(tf.log(tf.clipByValue(picked, 1e-7, 1 - 1e-7)))) as tf.Scalar;
    const passed = tf.logicalAnd(tf.greaterEqual(picked, 1e-7), tf.lessEqual(picked, 1 - 1e-7));
    const scale = tf.reshape(tf.div(tf.cast(passed, 'float32'), batch), [batch, 1]);
    const dLogits = tf.mul(tf.sub(probs, oneHot), scale);
    const dHidden = tf.mul(tf.matMul(dLogits, w2, false, true), tf.step(hidden));
    return {
      loss,
      grads: {
        [w1.name]: tf.matMul(flat, dHidden, true, false),
        [b1.name]: tf.sum(dHidden, 0),
        [w2.name]: tf.matMul(hidden, dLogits, true, false),
        [b2.name]: tf.sum(dLogits, 0),
      },
    };
  });
}

/** Applies one step's gradients to the weights. */
type Update = (grads: tf.NamedTensorMap) => void;

/**
 * Adam (lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7, Keras's form) with each
 * variable updated by one `adamStep` kernel instead of twelve tf ops.
 */
function fusedAdam(weights: Weights): Update {
  const [beta1, beta2, epsilon, learningRate] = [0.9, 0.999, 1e-7, 0.001];
  const moments = weights.map((w) => [tf.zerosLike(w), tf.zerosLike(w)].map((t) => tf.variable(t, false)));
  let step = 0;
  return (grads) => {
    step++;
    const momentumScale = learningRate * Math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step);
    weights.forEach((w, i) => {
      const [m, v] = moments[i];
      const next = adamStep(w, m, v, grads[w.name], { beta1, beta2, momentumScale, epsilon });
      w.assign(next.theta);
      m.assign(next.m);
      v.assign(next.v);
      tf.dispose([next.theta, next.m, next.v]);
    });
  };
}

function makeUpdate(name: string, weights: Weights): Update {
  if (name === 'fused-adam') return fusedAdam(weights);
  const optimizer: tf.Optimizer | undefined = name === 'sgd' ? tf.train.sgd(0.01)
    : name === 'adam' ? tf.train.adam(0.001, 0.9, 0.999, 1e-7)
      : undefined;
  if (!optimizer) throw new Error(`Unknown --optimizer "${name}": use sgd, adam or fused-adam.`);
  return (grads) => optimizer.applyGradients(grads);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const info = await initBackend();
  const stock = process.argv.includes('--stock');
  // initBackend installs the fast kernels; --stock takes them out again.
  if (stock) uninstallFastKernels();
  else installFastKernels();
  const optimizerName = option('optimizer', 'sgd');
  const loop = option('loop', 'tape');
  if (!['tape', 'direct', 'manual'].includes(loop)) {
    throw new Error(`Unknown --loop "${loop}": use tape, direct or manual.`);
  }
  const steps = Number(option('steps', '200'));
  const reps = Number(option('reps', '5'));

  const model = buildModel();
  const weights = model.trainableWeights.map((w) => w.read() as tf.Variable) as Weights;
  const update = makeUpdate(optimizerName, weights);
  const batches = Array.from({ length: 16 }, () => ({
    x: tf.randomUniform([BATCH, 28, 28]) as tf.Tensor3D,
    y: tf.randomUniform([BATCH], 0, 10, 'int32') as tf.Tensor1D,
  }));
  const testX = tf.randomUniform([EVAL_BATCH, 28, 28]);

  // The forward pass with tf ops on the layers' own variables, skipping tfjs-layers' apply.
  const [w1, b1, w2, b2] = weights;
  const directForward = (x: tf.Tensor): tf.Tensor2D => {
    const hidden = tf.relu(tf.add(tf.matMul(tf.reshape(x, [x.shape[0], -1]), w1), b1));
    return tf.softmax(tf.add(tf.matMul(hidden, w2), b2)) as tf.Tensor2D;
  };
  const forward = loop === 'direct' ? directForward
    : (x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor2D;
  const lossName = option('loss', 'taped');
  if (lossName !== 'taped' && lossName !== 'custom') throw new Error(`Unknown --loss "${lossName}": use taped or custom.`);
  const lossFunction = lossName === 'custom' ? sparseCategoricalCrossentropyWithGradient : sparseCategoricalCrossentropy;
  const tapeStep = (i: number): void => {
    const { x, y } = batches[i % batches.length];
    const { value: loss, grads } = tf.variableGrads(() => lossFunction(y, forward(x)), weights);
    update(grads);
    loss.dataSync();
    tf.dispose([loss, ...Object.values(grads)]);
  };
  const manualStep = (i: number): void => {
    const { x, y } = batches[i % batches.length];
    const { loss, grads } = manualGradients(weights, x, y);
    update(grads);
    loss.dataSync();
    tf.dispose([loss, ...Object.values(grads)]);
  };
  const step = loop === 'manual' ? manualStep : tapeStep;
  const evaluate = (): void => {
    tf.tidy(() => (model.apply(testX) as tf.Tensor).argMax(1).dataSync());
  };

  for (let i = 0; i < 20; i++) step(i); // warm-up: kernel setup, XNNPACK caches
  const before = tf.memory().numTensors;
  const stepMs: number[] = [];
  const stepCpuMs: number[] = [];
  const evalMs: number[] = [];
  const evalCpuMs: number[] = [];
  // Wall time and this process's CPU time (user + system): on a shared machine the
  // CPU time is the steadier figure, since time spent waiting for a core is not in it.
  const measure = (run: () => void, wall: number[], cpu: number[], divisor: number): void => {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    run();
    wall.push((performance.now() - start) / divisor);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000 / divisor);
  };
  for (let r = 0; r < reps; r++) {
    measure(() => { for (let i = 0; i < steps; i++) step(i); }, stepMs, stepCpuMs, steps);
    measure(() => { for (let i = 0; i < TEST_SAMPLES / EVAL_BATCH; i++) evaluate(); }, evalMs, evalCpuMs, 1);
  }
  const leaked = tf.memory().numTensors - before;

  const epochSeconds = (stepMsPerEpoch: number, evalTotalMs: number) =>
    ((stepMsPerEpoch * STEPS_PER_EPOCH + evalTotalMs) / 1000).toFixed(2);
  console.log(`backend: ${info.name}${stock ? ' (stock kernels)' : ' (fast kernels)'}, ` +
    `optimizer: ${optimizerName}, loop: ${loop}, loss: ${lossName}, ${reps} x ${steps} steps`);
  for (const [label, perStep, evals] of [['wall', stepMs, evalMs], ['cpu ', stepCpuMs, evalCpuMs]] as const) {
    console.log(`${label} ms/step: median ${median(perStep).toFixed(3)}, best ${Math.min(...perStep).toFixed(3)}; ` +
      `evaluation ${median(evals).toFixed(1)} ms; projected epoch: median ${epochSeconds(median(perStep), median(evals))} s, ` +
      `best ${epochSeconds(Math.min(...perStep), Math.min(...evals))} s`);
  }
  console.log(`  (wall ms/step, all repetitions: ${stepMs.map((v) => v.toFixed(3)).join(', ')})`);
  console.log(`tensors leaked by the timed loop: ${leaked}`);

  const profile = await tf.profile(() => step(0));
  const byKernel = new Map<string, number>();
  for (const k of profile.kernels) {
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  }
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  console.log(`\nkernel breakdown of one step (${profile.kernels.length} kernels, ${total.toFixed(3)} ms):`);
  for (const [name, t] of [...byKernel].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${name.padEnd(20)} ${t.toFixed(3).padStart(8)} ms  ${(100 * t / total).toFixed(1).padStart(5)}%`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
