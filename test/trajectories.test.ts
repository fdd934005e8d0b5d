/**
 * lib/trajectories: the surfaces' hand-written gradients against finite differences and against
 * TensorFlow.js's autodiff of their losses; each optimizer's path against its first steps computed by
 * hand from the course's update rules; no tensor leaks; the charts' figures (frames, sliders, sizes);
 * and the Rosenbrock-gradient check on a right, a wrong and a stub implementation.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { CheckFailed, rosenbrockGradient as checkRosenbrockGradient, SOLUTION_STUB } from '../lib/checks';
import { OPTIMIZER_NAMES } from '../lib/optimizers';
import {
  animatedTrajectoriesFigure, learningRateSliderBundle, lossChart, momentumSliderBundle, optimizerPath, QUADRATIC, ROSENBROCK,
  SADDLE, SURFACES, surfacePaths, trajectorySettings,
} from '../lib/trajectories';

before(async () => {
  await initBackend();
});

const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

describe('the surfaces', () => {
  const probes: [number, number][] = [[-1.21, 0.853], [0.5, -0.3], [1.7, 2.2], [-0.2, 0.05]];
  for (const surface of SURFACES) {
    it(`${surface.id}: the gradient matches central finite differences of the value`, () => {
      const h = 1e-6;
      for (const [x1, x2] of probes) {
        const [g1, g2] = surface.gradient(x1, x2);
        const d1 = (surface.value(x1 + h, x2) - surface.value(x1 - h, x2)) / (2 * h);
        const d2 = (surface.value(x1, x2 + h) - surface.value(x1, x2 - h)) / (2 * h);
        assert.ok(Math.abs(g1 - d1) < 1e-5 * Math.max(1, Math.abs(d1)), `df/dx1 at (${x1}, ${x2}): ${g1} vs ${d1}`);
        assert.ok(Math.abs(g2 - d2) < 1e-5 * Math.max(1, Math.abs(d2)), `df/dx2 at (${x1}, ${x2}): ${g2} vs ${d2}`);
      }
    });

    it(`${surface.id}: the tf loss has the value and the autodiff gradient of the formulas`, () => {
      for (const [x1, x2] of probes) {
        const [loss, g] = tf.tidy(() => {
          const point = tf.tensor1d([x1, x2]);
          const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => surface.loss(p as tf.Tensor1D))(point);
          return [value.dataSync()[0], Array.from(grad.dataSync())];
        }) as [number, number[]];
        const want = surface.value(x1, x2);
        assert.ok(Math.abs(loss - want) < 1e-4 * Math.max(1, Math.abs(want)), `f at (${x1}, ${x2}): ${loss} vs ${want}`);
        surface.gradient(x1, x2).forEach((component, i) =>
          assert.ok(Math.abs(g[i] - component) < 1e-4 * Math.max(1, Math.abs(component)), `grad ${i} at (${x1}, ${x2})`));
      }
    });
  }

  it('have the settings the notebook describes', () => {
    assert.deepEqual(QUADRATIC.start, [-5, -2]);
    assert.deepEqual(ROSENBROCK.start, [-1.21, 0.853]);
    assert.equal(ROSENBROCK.steps, 150);
    assert.equal(SADDLE.start[1], 0.001);
    for (const surface of SURFACES) assert.deepEqual(Object.keys(surface.optimizers), [...OPTIMIZER_NAMES]);
  });
});

describe('optimizerPath', () => {
  const close = (got: number[], want: number[], what: string) =>
    got.forEach((value, i) => assert.ok(Math.abs(value - want[i]) < 1e-5 * Math.max(1, Math.abs(want[i])), `${what}[${i}]: ${value} vs ${want[i]}`));

  /** Two steps of each course rule on the quadratic from (-5, -2), by hand (float64), with eta and eps as given. */
  function byHand(name: string, eta: number, beta = 0.5): [number, number][] {
    const eps = 1e-7;
    let x: [number, number] = [...QUADRATIC.start];
    let m = [0, 0];
    let s = [0, 0];
    const points: [number, number][] = [x];
    for (let T = 1; T <= 2; T++) {
      const g = QUADRATIC.gradient(...x);
      const next = x.map((xi, i) => {
        const gi = g[i];
        switch (name) {
          case 'SGD': return xi - eta * gi;
          case 'Momentum': m[i] = beta * m[i] + eta * gi; return xi - m[i];
          case 'Nesterov': m[i] = beta * m[i] + eta * gi; return xi - (beta * m[i] + eta * gi);
          case 'Adagrad': s[i] += gi * gi; return xi - (eta * gi) / Math.sqrt(s[i] + eps);
          case 'RMSprop': s[i] = 0.9 * s[i] + 0.1 * gi * gi; return xi - (eta * gi) / Math.sqrt(s[i] + eps);
          case 'Adam': {
            m[i] = 0.9 * m[i] + 0.1 * gi; s[i] = 0.999 * s[i] + 0.001 * gi * gi;
            return xi - (eta * (m[i] / (1 - 0.9 ** T))) / Math.sqrt(s[i] / (1 - 0.999 ** T) + eps);
          }
          case 'NAdam': {
            const mu = (t: number) => 0.9 * (1 - 0.5 * 0.96 ** (0.004 * t));
            let P = 1;
            for (let t = 1; t <= T; t++) P *= mu(t);
            m[i] = 0.9 * m[i] + 0.1 * gi; s[i] = 0.999 * s[i] + 0.001 * gi * gi;
            const mHat = (mu(T + 1) * m[i]) / (1 - P * mu(T + 1)) + ((1 - mu(T)) * gi) / (1 - P);
            return xi - (eta * mHat) / (Math.sqrt(s[i] / (1 - 0.999 ** T)) + eps);
          }
          default: throw new Error(name);
        }
      }) as [number, number];
      x = next;
      points.push(x);
    }
    return points;
  }

  for (const name of OPTIMIZER_NAMES) {
    it(`${name}: the first two steps are the course's update rule, computed by hand`, () => {
      const options = QUADRATIC.optimizers[name];
      const path = optimizerPath(QUADRATIC, name, options, 2);
      const want = byHand(name, options.learningRate!, options.momentum);
      assert.equal(path.points.length, 3);
      path.points.forEach((point, step) => close(point, want[step], `${name} step ${step}`));
      close(path.losses, want.map(([a, b]) => QUADRATIC.value(a, b)), `${name} losses`);
    });
  }

  it('SGD on the quadratic by hand: x2 times -0.6 and x1 times 0.92 each step', () => {
    const { points } = optimizerPath(QUADRATIC, 'SGD', { learningRate: 0.4 }, 1);
    close(points[1], [-4.6, 1.2], 'SGD step 1');
  });

  it('records steps + 1 points, and stops a diverging path with divergedAt', () => {
    assert.equal(optimizerPath(ROSENBROCK, 'Adam').points.length, 151);
    const diverged = optimizerPath(ROSENBROCK, 'SGD', { learningRate: 0.01 });
    assert.ok(diverged.divergedAt !== undefined && diverged.divergedAt < 10, `diverged at ${diverged.divergedAt}`);
    assert.equal(diverged.points.length, diverged.divergedAt);
    assert.ok(diverged.points.flat().every(Number.isFinite));
  });

  it('leaks no tensors (variable, optimizer, slots, intermediates all disposed)', () => {
    optimizerPath(QUADRATIC, 'Adam', undefined, 3); // warm-up: kernels may cache constants once
    const before = tf.memory().numTensors;
    for (const surface of SURFACES) surfacePaths(surface, 5);
    optimizerPath(ROSENBROCK, 'SGD', { learningRate: 0.05 }); // a diverging one too
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects a bad step count and an unknown option clearly', () => {
    assert.throws(() => optimizerPath(QUADRATIC, 'SGD', {}, -1), /steps must be a whole number/);
    assert.throws(() => optimizerPath(QUADRATIC, 'Adam', { momentum: 0.9 }), /Adam has no option momentum/);
  });
});

describe('the charts', () => {
  it('the animation: one frame per step moving one ball per optimizer, play and pause, a step slider', () => {
    const paths = surfacePaths(QUADRATIC);
    const figure = animatedTrajectoriesFigure(QUADRATIC, paths, 't');
    assert.equal(figure.frames.length, QUADRATIC.steps + 1);
    assert.equal(figure.frames[5].data.length, 7);
    assert.deepEqual(figure.frames[5].data[0], { x: [Number(paths[0].points[5][0].toFixed(3))], y: [Number(paths[0].points[5][1].toFixed(3))] });
    assert.deepEqual(figure.layout.updatemenus[0].buttons.map((button) => button.label), ['Play', 'Pause']);
    assert.equal(figure.data[figure.frames[0].traces[0]].name, 'SGD now');
  });

  it('the learning-rate slider: a frame per factor, computed with the scaled rates', () => {
    const bundle = learningRateSliderBundle(ROSENBROCK, [0.5, 1, 2], 't');
    const figure = bundle.data[PLOTLY_MIME] as { frames: { name: string; data: { name: string; x: number[] }[] }[]; layout: { sliders: { active: number; steps: unknown[] }[] } };
    assert.deepEqual(figure.frames.map((frame) => frame.name), ['η × 0.5', 'η × 1', 'η × 2']);
    assert.equal(figure.layout.sliders[0].active, 1);
    assert.match(figure.frames[2].data[0].name, /^SGD η=0\.003/);
    const sgdAtDouble = optimizerPath(ROSENBROCK, 'SGD', { learningRate: 0.003 });
    assert.equal(figure.frames[2].data[0].x.length, sgdAtDouble.points.length);
    assert.throws(() => learningRateSliderBundle(ROSENBROCK, [0.5, 2], 't'), /must include the default 1/);
  });

  it('the momentum sliders: a frame per (learning rate, beta) pair, and the script that combines them', () => {
    const bundle = momentumSliderBundle(ROSENBROCK, { learningRates: [0.001, 0.0015], momenta: [0.5, 0.9, 0.95], learningRate: 0.0015, momentum: 0.9, title: 't' });
    const figure = bundle.data[PLOTLY_MIME] as { frames: { name: string }[]; layout: { sliders: { name: string; active: number }[] } };
    assert.equal(figure.frames.length, 6);
    assert.deepEqual(figure.layout.sliders.map((slider) => [slider.name, slider.active]), [['learningRate', 1], ['momentum', 1]]);
    assert.match(String(bundle.data['text/html']), /plotly_sliderchange/);
  });

  it('every chart is a bundle of plotly JSON, HTML with a static SVG picture, and text', () => {
    const bundle = learningRateSliderBundle(SADDLE, [1], 'saddle chart');
    assert.deepEqual(Object.keys(bundle.data).sort(), [PLOTLY_MIME, 'text/html', 'text/plain']);
    const html = String(bundle.data['text/html']);
    const svg = Buffer.from(/src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html)![1], 'base64').toString();
    assert.match(svg.slice(0, svg.indexOf('>')), /^<svg .*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /saddle chart/);
    assert.match(svg, /Adam η=0\.05/);
  });

  it('the loss chart: log10 f where the minimum is 0, f on the saddle', () => {
    const quadratic = lossChart(QUADRATIC, surfacePaths(QUADRATIC, 3));
    assert.equal(quadratic.options.yLabel, 'log10 f');
    assert.equal(quadratic.series[0].y[0], Number(Math.log10(QUADRATIC.value(-5, -2)).toPrecision(4)));
    assert.equal(lossChart(SADDLE, surfacePaths(SADDLE, 3)).options.yLabel, 'f');
  });

  it('quick mode computes fewer slider frames', () => {
    const quick = trajectorySettings({ DESCENT_LAB_QUICK: '1' });
    const full = trajectorySettings({});
    assert.ok(quick.learningRateFactors.length < full.learningRateFactors.length);
    assert.ok(quick.momenta.length * quick.momentumLearningRates.length < full.momenta.length * full.momentumLearningRates.length);
  });
});

describe('the Rosenbrock-gradient check', () => {
  it('passes the right gradient', () => {
    const right = (x1: number, x2: number): [number, number] => [-2 * (1 - x1) - 400 * x1 * (x2 - x1 * x1), 200 * (x2 - x1 * x1)];
    assert.match(checkRosenbrockGradient(right), /^passed: /);
  });

  it('fails a wrong gradient, naming the first point and component that differ', () => {
    const wrong = (x1: number, x2: number): [number, number] => [-2 * (1 - x1) - 400 * x1 * (x2 - x1 * x1), 100 * (x2 - x1 * x1)];
    assert.throws(() => checkRosenbrockGradient(wrong),
      (error: Error) => error instanceof CheckFailed && /rosenbrockGradient\(-1\.21, 0\.853\): df\/dx2 should be -122\.\d+, but yours gives -61\.\d+/.test(error.message));
  });

  it('says "not implemented yet" for the stub the student edition puts in', () => {
    const stub = new Function('x1', 'x2', SOLUTION_STUB) as (x1: number, x2: number) => [number, number];
    assert.throws(() => checkRosenbrockGradient(stub), (error: Error) => error instanceof CheckFailed && /is not implemented yet/.test(error.message));
  });

  it('fails a function that returns the wrong shape, or something that is not a function', () => {
    assert.throws(() => checkRosenbrockGradient(() => [1]), /must return two numbers/);
    assert.throws(() => checkRosenbrockGradient(undefined as never), /needs your gradient function/);
  });
});
