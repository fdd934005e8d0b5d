/**
 * The landscape library (lib/landscape): the eigen-decomposition, the shared plane and its projection
 * (round trip, orthonormal basis), the batched grid losses against the real model evaluated at the
 * same weights, no leaked tensors, weight snapshots kept by real training runs (same initial weights,
 * stored beside the cache entry, served only to runs that ask), the charts, and the exercise's check.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { CheckFailed, SOLUTION_STUB } from '../lib/checks/check-failed';
import { planeProjection } from '../lib/checks/plane-projection';
import { loadMnist, type MnistData } from '../lib/data';
import { cacheKey, cacheKeyFields, COURSE_EXPERIMENTS, runExperiments, type ExperimentSpec } from '../lib/experiments';
import {
  computeLandscape, flatWeights, initialWeightsDifference, jointPcaPlane, landscapeBundle, lineChart, lossesAt,
  pointOnPlane, projectOntoPlane, snapshotEpochs, symmetricEigen, type Plane,
} from '../lib/landscape';
import { buildCompile, COURSE_PARAMETER_COUNT } from '../lib/models';
import { courseSettings } from '../lib/settings';
import type { History } from '../lib/training/history';
import { randomValues } from './support/random-values';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const freshDir = () => mkdtempSync(join(tmpdir(), 'descent-lab-landscape-'));

/** `count` points around `origin`, each origin + small random values. */
function pointsAround(origin: Float32Array, count: number, seed: number, scale = 0.05): Float32Array[] {
  return Array.from({ length: count }, (_, k) => {
    const point = randomValues(origin.length, seed + k);
    for (let i = 0; i < point.length; i++) point[i] = origin[i] + scale * point[i];
    return point;
  });
}

describe('symmetricEigen', () => {
  it('finds the eigenvalues of a known matrix, largest first, with unit eigenvectors A w = lambda w', () => {
    // [[2, 1], [1, 2]] has eigenvalues 3 and 1.
    const { values, vectors } = symmetricEigen([[2, 1], [1, 2]]);
    assert.ok(Math.abs(values[0] - 3) < 1e-12 && Math.abs(values[1] - 1) < 1e-12, `${values}`);
    const a = [[4, 1, 0.5, 0], [1, 3, 0.2, 0.1], [0.5, 0.2, 2, 0.3], [0, 0.1, 0.3, 1]];
    const eigen = symmetricEigen(a);
    eigen.values.forEach((lambda, k) => {
      const w = eigen.vectors[k];
      assert.ok(Math.abs(dot(w, w) - 1) < 1e-12);
      a.forEach((row, i) => assert.ok(Math.abs(dot(row, w) - lambda * w[i]) < 1e-10, `row ${i} of eigenpair ${k}`));
    });
    assert.deepEqual([...eigen.values].sort((x, y) => y - x), eigen.values);
    assert.throws(() => symmetricEigen([[1, 2]]), /must be square/);
  });
});

describe('the shared plane (joint PCA) and the projection', () => {
  const origin = randomValues(COURSE_PARAMETER_COUNT, 11);
  const plane: Plane = jointPcaPlane(origin, pointsAround(origin, 6, 20));

  it('has an orthonormal basis', () => {
    assert.ok(Math.abs(dot(plane.u, plane.u) - 1) < 1e-12);
    assert.ok(Math.abs(dot(plane.v, plane.v) - 1) < 1e-12);
    assert.ok(Math.abs(dot(plane.u, plane.v)) < 1e-12, `u . v = ${dot(plane.u, plane.v)}`);
    assert.ok(plane.explained[0] >= plane.explained[1] && plane.explained[0] + plane.explained[1] <= 1 + 1e-12, `${plane.explained}`);
  });

  it('round trip: a point put on the plane at (x, y) projects back to (x, y), with no residual', () => {
    for (const [x, y] of [[0, 0], [0.3, -0.7], [-2.5, 1.25], [10, 10]]) {
      const projection = projectOntoPlane(plane, pointOnPlane(plane, x, y));
      assert.ok(Math.abs(projection.x - x) < 1e-10 && Math.abs(projection.y - y) < 1e-10, `(${x}, ${y}) -> (${projection.x}, ${projection.y})`);
      assert.ok(projection.residual < 1e-9, `residual ${projection.residual}`);
      assert.ok(Math.abs(projection.distance - Math.hypot(x, y)) < 1e-9);
    }
  });

  it('a point off the plane: x^2 + y^2 + residual^2 = its squared distance from the origin', () => {
    const [off] = pointsAround(origin, 1, 99, 0.1);
    const { x, y, residual, distance } = projectOntoPlane(plane, off);
    assert.ok(residual > 0.1 * distance, 'a random point lies mostly off a plane of 101,770 dimensions');
    assert.ok(Math.abs(x * x + y * y + residual * residual - distance * distance) < 1e-9 * distance * distance);
  });

  it('holds points that lie in a plane through the origin whole (explained 100%), and flips no sign at random', () => {
    const a = randomValues(1000, 3), b = randomValues(1000, 4), o = new Float32Array(1000);
    const points = [[1, 0], [2, 1], [3, 3], [1, -1]].map(([s, t]) => Float32Array.from(a, (ai, i) => s * ai + t * b[i]));
    const inPlane = jointPcaPlane(o, points);
    assert.ok(Math.abs(inPlane.explained[0] + inPlane.explained[1] - 1) < 1e-6, `${inPlane.explained}`);
    for (const point of points) assert.ok(projectOntoPlane(inPlane, point).residual < 1e-4 * Math.sqrt(dot(point, point)));
    const mean = points.reduce((sum, point) => sum + projectOntoPlane(inPlane, point).x, 0);
    assert.ok(mean > 0, 'the mean coordinate along u is positive, by construction');
  });

  it('says what is wrong with too few points or weights of another network', () => {
    assert.throws(() => jointPcaPlane(origin, [origin]), /needs at least two points away from the origin/);
    assert.throws(() => jointPcaPlane(origin, [new Float32Array(10)]), /point 0 has 10 numbers, the plane's origin 101770/);
  });
});

describe('grid losses against the real model', () => {
  let data: MnistData;
  before(async () => {
    await initBackend();
    data = await loadMnist({ trainSamples: 300, testSamples: 1 });
  });

  it('the loss at origin + x u + y v equals model.evaluate with the weights set to that point', async () => {
    const model = buildCompile('SGD', { seed: 3 });
    const origin = flatWeights(model);
    const plane = jointPcaPlane(origin, pointsAround(origin, 4, 30, 0.02));
    const points = [[0, 0], [0.5, -0.3], [-1, 2], [3, 3]];
    const fast = lossesAt(origin, [plane.u, plane.v], points, { x: data.xTrain, y: data.yTrain });
    for (const [i, [x, y]] of points.entries()) {
      const weights = pointOnPlane(plane, x, y);
      let offset = 0;
      model.setWeights(model.getWeights().map((w) => {
        const part = tf.tensor(Float32Array.from(weights.subarray(offset, offset + w.size)), w.shape);
        offset += w.size;
        return part;
      }));
      // tfjs-layers' own evaluation (its loss wants float labels): independent of the landscape's code.
      const labels = tf.cast(data.yTrain, 'float32');
      const evaluated = model.evaluate(data.xTrain, labels, { batchSize: 300 }) as tf.Scalar[];
      const direct = evaluated[0].dataSync()[0];
      tf.dispose([...evaluated, labels]);
      assert.ok(Math.abs(fast[i] - direct) <= 1e-4 * Math.max(1, direct), `point (${x}, ${y}): grid ${fast[i]}, model ${direct}`);
    }
    model.dispose();
  });

  it('leaks no tensor: not on success, not on bad input', () => {
    const model = buildCompile('SGD', { seed: 1 });
    const origin = flatWeights(model);
    model.dispose();
    const direction = randomValues(origin.length, 5);
    const before = tf.memory().numTensors;
    lossesAt(origin, [direction], Array.from({ length: 70 }, (_, i) => [i / 10]), { x: data.xTrain, y: data.yTrain }); // three batches
    assert.throws(() => lossesAt(origin, [direction], [[1, 2]], { x: data.xTrain, y: data.yTrain }), /point 0 has 2 coefficients for 1 direction/);
    assert.throws(() => lossesAt(origin.subarray(1), [], [[]], { x: data.xTrain, y: data.yTrain }), /101769 parameters are not the course network's/);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('weight snapshots from real runs, and the landscape they give', () => {
  const settings = { ...courseSettings({}), epochs: 2, trainSamples: 256, testSamples: 64, seed: 2 };
  const specs: ExperimentSpec[] = [
    { label: 'SGD', optimizer: 'SGD', snapshots: true },
    { label: 'Adam', optimizer: 'Adam', snapshots: true },
    { label: 'RMSprop', optimizer: 'RMSprop', snapshots: true },
  ];
  const cacheDir = freshDir();
  let runs: Record<string, History>;
  let data: MnistData;
  before(async () => {
    runs = await runExperiments(specs, { ...settings, cacheDir, verbose: 0, parallel: 2 });
    data = await loadMnist({ trainSamples: 200, testSamples: 1 });
  });

  it('keep epochs 0-5, then every fifth: 15 of 50 epochs, under the 50 MB budget for the seven course runs', () => {
    assert.deepEqual(snapshotEpochs(50), [0, 1, 2, 3, 4, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    assert.deepEqual(snapshotEpochs(2), [0, 1, 2]);
    assert.deepEqual(snapshotEpochs(12), [0, 1, 2, 3, 4, 5, 10, 12]);
    const courseBytes = COURSE_EXPERIMENTS.optimizers.filter((spec) => spec.snapshots).length * snapshotEpochs(50).length * COURSE_PARAMETER_COUNT * 4;
    assert.ok(courseBytes <= 50 * 2 ** 20, `${courseBytes} bytes`);
  });

  it('runs trained in worker threads start from the same weights, and keep every snapshot asked for', () => {
    for (const spec of specs) {
      const snapshots = runs[spec.label].snapshots!;
      assert.deepEqual(snapshots.epochs, [0, 1, 2]);
      assert.equal(snapshots.data.length, 3 * COURSE_PARAMETER_COUNT);
    }
    assert.equal(initialWeightsDifference(runs), 0);
    const initial = runs.SGD.snapshots!.data.subarray(0, COURSE_PARAMETER_COUNT);
    const afterOne = runs.SGD.snapshots!.data.subarray(COURSE_PARAMETER_COUNT, 2 * COURSE_PARAMETER_COUNT);
    assert.notDeepEqual(initial, afterOne, 'the weights moved');
  });

  it('are stored as raw float32 beside the entry, served back bit for bit, and only to runs that ask', async () => {
    const files = readdirSync(cacheDir).filter((file) => file.endsWith('.weights.f32'));
    assert.equal(files.length, 3);
    for (const file of files) assert.equal(statSync(join(cacheDir, file)).size, 3 * COURSE_PARAMETER_COUNT * 4);
    const again = await runExperiments(specs, { ...settings, cacheDir, verbose: 0 });
    for (const spec of specs) assert.deepEqual(again[spec.label].snapshots!.data, runs[spec.label].snapshots!.data);
    const plain = await runExperiments([{ label: 'SGD', optimizer: 'SGD' }], { ...settings, cacheDir, verbose: 0 });
    assert.equal(plain.SGD.snapshots, undefined, 'a run that does not ask gets none (nor reads the file)');
    assert.equal(readdirSync(cacheDir).filter((file) => file.endsWith('.json')).length, 3, 'nothing trained again');
    const key = (spec: ExperimentSpec) => cacheKey(cacheKeyFields(spec, settings, 'wasm'));
    assert.equal(key({ label: 'a', optimizer: 'SGD', snapshots: true }), key({ label: 'b', optimizer: 'SGD' }), 'snapshots are not part of the key');
  });

  it('a run asked for snapshots whose cached entry has none trains again', async () => {
    const dir = freshDir();
    const spec: ExperimentSpec = { label: 'SGD', optimizer: 'SGD' };
    const one = { ...settings, epochs: 1, cacheDir: dir, verbose: 0 as const, parallel: 1 };
    await runExperiments([spec], one);
    assert.deepEqual(readdirSync(dir).filter((file) => file.endsWith('.f32')), []);
    const withSnapshots = await runExperiments([{ ...spec, snapshots: true }], one);
    assert.deepEqual(withSnapshots.SGD.snapshots!.epochs, [0, 1]);
    assert.equal(readdirSync(dir).filter((file) => file.endsWith('.f32')).length, 1);
  });

  it('computeLandscape: paths from the origin, a grid that covers them, the line through both ends, no leak', () => {
    const before = tf.memory().numTensors;
    const landscape = computeLandscape(runs, { x: data.xTrain, y: data.yTrain }, { gridSize: 7 });
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    assert.equal(landscape.grid.loss.length, 7);
    assert.ok(landscape.grid.loss.every((row) => row.length === 7 && row.every(Number.isFinite)));
    for (const path of landscape.paths) {
      assert.deepEqual([path.x[0], path.y[0], path.offPlane[0]], [0, 0, 0], `${path.label} starts at the origin`);
      assert.ok(path.x.every((x) => x >= landscape.grid.x[0] && x <= landscape.grid.x[6]));
      assert.ok(path.y.every((y) => y >= landscape.grid.y[0] && y <= landscape.grid.y[6]));
      assert.ok(path.offPlane.every((share) => share >= 0 && share < 1));
    }
    const start = lossesAt(landscape.plane.origin, [], [[]], { x: data.xTrain, y: data.yTrain })[0];
    for (const line of landscape.lines) {
      const path = landscape.paths.find((candidate) => candidate.label === line.label)!;
      assert.ok(Math.abs(line.loss[line.alpha.indexOf(0)] - start) < 1e-5, 'alpha 0 is the initial weights');
      assert.ok(Math.abs(line.loss[line.alpha.indexOf(1)] - path.finalLoss) < 1e-5, 'alpha 1 is the final weights');
      assert.ok(path.finalLoss < start, `${line.label} lowered the loss`);
    }
  });

  it('draws the plane (plotly figure and static picture) and the lines', () => {
    const landscape = computeLandscape(runs, { x: data.xTrain, y: data.yTrain }, { gridSize: 5 });
    const bundle = landscapeBundle(landscape, 'test plane');
    const figure = bundle.data['application/vnd.plotly.v1+json'] as { data: { type: string; name: string; x: number[] }[] };
    assert.deepEqual(figure.data.map((trace) => trace.name), ['loss', 'SGD', 'Adam', 'RMSprop', 'initial weights']);
    assert.equal(figure.data[0].type, 'contour');
    assert.equal(figure.data[1].x.length, 3, 'a dot per snapshot');
    assert.deepEqual((figure.data[1] as unknown as { text: string[] }).text, ['', '', '2'], 'the last epoch written at the end');
    const html = String(bundle.data['text/html']);
    const svg = Buffer.from(/src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html)![1], 'base64').toString();
    assert.match(svg, /<svg[^>]*width="760"/);
    assert.ok((svg.match(/aria-label="contour"/g) ?? []).length === 1 && /log10 loss on the plane/.test(svg));
    assert.match(String(bundle.data['text/plain']), /^Chart "test plane": the paths of SGD, Adam, RMSprop on the loss contours/);
    const { series, options } = lineChart(landscape);
    assert.deepEqual(series.map((line) => line.name), ['SGD', 'Adam', 'RMSprop']);
    assert.equal(series[0].x![0], -0.5);
    assert.ok(Math.abs(series[0].y[series[0].x!.indexOf(0)] - Math.log10(landscape.lines[0].loss[landscape.lines[0].alpha.indexOf(0)])) < 0.01, 'drawn as log10 of the loss');
    assert.match(options.xLabel!, /alpha/);
  });

  it('refuses runs without snapshots, or from different initial weights, saying why', () => {
    const { snapshots: _dropped, ...bare } = runs.SGD;
    assert.throws(() => computeLandscape({ SGD: bare, Adam: runs.Adam }, { x: data.xTrain, y: data.yTrain }),
      /the run "SGD" kept no weight snapshots .* train it with snapshots: true/);
    const moved = { ...runs.Adam, snapshots: { ...runs.Adam.snapshots!, data: runs.Adam.snapshots!.data.map((value, i) => (i === 0 ? value + 0.5 : value)) } };
    assert.throws(() => computeLandscape({ SGD: runs.SGD, Adam: moved }, { x: data.xTrain, y: data.yTrain }), /do not start from the same weights \(they differ by up to 0\.5/);
  });
});

describe('dl.checks.planeProjection', () => {
  const right = (point: Float32Array, origin: Float32Array, u: Float64Array, v: Float64Array): [number, number] => {
    let x = 0, y = 0;
    for (let i = 0; i < point.length; i++) { x += u[i] * (point[i] - origin[i]); y += v[i] * (point[i] - origin[i]); }
    return [x, y];
  };

  it('passes the right projection', () => {
    assert.match(planeProjection(right), /^passed: your projection matches the library's/);
  });

  it('fails one that forgets the origin, with a hint; one that swaps the axes; and the stub', () => {
    const noOrigin = (point: Float32Array, _origin: Float32Array, u: Float64Array, v: Float64Array): [number, number] => [dot(u, point), dot(v, point)];
    assert.throws(() => planeProjection(noOrigin), (error: Error) => error instanceof CheckFailed &&
      /your projection of the origin: x should be 0, but yours gives .*subtract the origin first/.test(error.message));
    const swapped = (point: Float32Array, origin: Float32Array, u: Float64Array, v: Float64Array) => right(point, origin, v, u);
    assert.throws(() => planeProjection(swapped), /your projection of the point \(2, -1\) of the plane: x should be 2/);
    const stub = new Function(SOLUTION_STUB) as () => [number, number];
    assert.throws(() => planeProjection(stub), /your projection is not implemented yet/);
  });
});
