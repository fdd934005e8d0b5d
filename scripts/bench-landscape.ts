/**
 * `npm run bench:landscape`: what the landscape notebook's computation costs on this machine, in CPU
 * seconds of this process (all threads) and wall seconds, median and best of several repetitions.
 *
 * The full course's case is built without training: the course network's initial weights (seed 1)
 * and seven runs of 15 snapshots each (epochs 0-5, then every fifth of 50), each a random walk away
 * from them. The cost does not depend on the weights' values: the plane is a 98 x 98 Gram matrix of
 * 101,770-number rows, the grid 21 x 21 points and the lines 7 x 22 points on 1,000 training images.
 * `--quick` takes quick mode's 3 snapshots a run instead.
 *
 *     npm run bench:landscape -- [--quick] [--reps N]
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { buildCompile, computeLandscape, flatWeights, initBackend, loadMnist, snapshotEpochs, type History } from '../lib';
import { formatCpu, readCpuInfo } from './bench/cpu';

const RUNS = ['SGD', 'Momentum', 'Nesterov', 'RMSprop', 'Adagrad', 'Adam', 'NAdam'];

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** Deterministic values in [-1, 1). */
function noise(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** Seven made-up runs from `origin`: each snapshot one random step further than the last. */
function madeUpRuns(origin: Float32Array, epochs: number[]): Record<string, History> {
  return Object.fromEntries(RUNS.map((label, run) => {
    const data = new Float32Array(epochs.length * origin.length);
    data.set(origin);
    for (let k = 1; k < epochs.length; k++) {
      const step = noise(origin.length, 1000 * run + k);
      for (let i = 0; i < origin.length; i++) data[k * origin.length + i] = data[(k - 1) * origin.length + i] + 0.01 * (run + 1) * step[i];
    }
    const history: History = {
      epoch: [], history: { loss: [], acc: [] }, params: { epochs: epochs[epochs.length - 1], batchSize: 32, samples: 0, steps: 0 }, epochSeconds: [],
      snapshots: { epochs, parameterCount: origin.length, data },
    };
    return [label, history];
  }));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const reps = argument('--reps', 3);
  const backend = await initBackend();
  const model = buildCompile('SGD', { seed: 1 });
  const origin = flatWeights(model);
  model.dispose();
  const epochs = snapshotEpochs(quick ? 2 : 50);
  const runs = madeUpRuns(origin, epochs);
  const data = await loadMnist({ trainSamples: 1000, testSamples: 1 });
  const figures: { plane: number; grid: number; lines: number; cpu: number; wall: number }[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const [cpuBefore, wallBefore] = [process.cpuUsage(), performance.now()];
    const { cpuSeconds } = computeLandscape(runs, { x: data.xTrain, y: data.yTrain });
    const cpu = process.cpuUsage(cpuBefore);
    figures.push({ ...cpuSeconds, cpu: (cpu.user + cpu.system) / 1e6, wall: (performance.now() - wallBefore) / 1000 });
    process.stderr.write(`bench:landscape: repetition ${rep + 1}/${reps} done\n`);
  }
  tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
  const show = (key: keyof (typeof figures)[number]) => {
    const values = figures.map((figure) => figure[key]);
    return `${median(values).toFixed(2)} s (best ${Math.min(...values).toFixed(2)})`;
  };
  console.log(`${formatCpu(readCpuInfo())}, backend ${backend.name}, load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  console.log(`${quick ? 'quick' : 'full'} mode: 7 runs x ${epochs.length} snapshots, 21 x 21 grid, 7 lines of 22 points, 1,000 images; ${reps} repetitions`);
  console.log(`  plane (joint PCA)  CPU ${show('plane')}`);
  console.log(`  grid               CPU ${show('grid')}`);
  console.log(`  lines              CPU ${show('lines')}`);
  console.log(`  all                CPU ${show('cpu')}, wall ${show('wall')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
