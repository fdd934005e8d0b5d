/**
 * The optimizers' fused updates on the wasm backend: one kernel per variable, and
 * exactly the numbers of the same optimizer's tf-ops update (which the golden,
 * tfjs-agreement and convergence tests check on either backend). Each case runs two
 * optimizers side by side on equal variables, one with the fast kernels and one
 * without, through several steps and a change of learning rate.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { installFastKernels, uninstallFastKernels } from '../lib/kernels';
import { makeOptimizer, OptimizerName } from '../lib/optimizers';
import { randomValues } from './support/random-values';

/** The kernel each optimizer's fused update runs. */
const FUSED_KERNELS: Record<OptimizerName, string | undefined> = {
  SGD: 'DescentLabAddScaled',
  Momentum: 'DescentLabMomentumStep',
  Nesterov: 'DescentLabMomentumStep',
  RMSprop: 'DescentLabRMSpropStep',
  Adagrad: 'DescentLabRMSpropStep',
  Adam: 'DescentLabAdamStep',
  NAdam: 'DescentLabAdamStep',
};

/** Odd sizes, so that the kernels' scalar tails run too. */
const SHAPES = [[7, 11], [13]];


/** A model's variables and one step's gradients for them. */
function makeVariables(): tf.Variable[] {
  return SHAPES.map((shape, i) =>
    tf.variable(tf.tensor(randomValues(shape.reduce((a, b) => a * b), 10 + i), shape)));
}

function gradientsFor(variables: tf.Variable[], step: number): tf.NamedTensorMap {
  return Object.fromEntries(variables.map((variable, i) =>
    [variable.name, tf.tensor(randomValues(variable.size, 100 * step + i), variable.shape)]));
}

before(async () => {
  await initBackend('wasm');
  installFastKernels();
});
after(() => {
  installFastKernels(); // leave the process as the library leaves it
});

describe('fused optimizer updates on wasm', () => {
  for (const [name, kernel] of Object.entries(FUSED_KERNELS) as Array<[OptimizerName, string | undefined]>) {
    it(`${name}: ${kernel ? `runs one ${kernel} per variable` : 'keeps its tf ops (no fused kernel)'}`, async () => {
      const variables = makeVariables();
      const optimizer = makeOptimizer(name);
      const gradients = gradientsFor(variables, 1);
      optimizer.applyGradients(gradients); // creates the slots (Fill kernels)
      const profile = await tf.profile(() => optimizer.applyGradients(gradients));
      const names = profile.kernels.map((k) => k.name);
      if (kernel) assert.deepEqual(names, SHAPES.map(() => kernel));
      else assert.ok(names.every((n) => !n.startsWith('DescentLab')), `unexpected kernels: ${names}`);
      optimizer.dispose();
      tf.dispose([...variables, ...Object.values(gradients)]);
    });
  }

  for (const name of Object.keys(FUSED_KERNELS).filter((n) => FUSED_KERNELS[n as OptimizerName])) {
    it(`${name}: gives the tf-ops numbers bit for bit, slots included, through a change of learning rate`,
      async () => {
        const fused = { variables: makeVariables(), optimizer: makeOptimizer(name, { learningRate: 0.05 }) };
        const withOps = { variables: makeVariables(), optimizer: makeOptimizer(name, { learningRate: 0.05 }) };
        for (let step = 1; step <= 6; step++) {
          if (step === 4) for (const run of [fused, withOps]) run.optimizer.learningRate = 0.02;
          for (const [run, fast] of [[fused, true], [withOps, false]] as const) {
            if (!fast) uninstallFastKernels();
            tf.tidy(() => run.optimizer.applyGradients(gradientsFor(run.variables, step)));
            installFastKernels();
          }
        }
        fused.variables.forEach((variable, i) =>
          assert.deepEqual(variable.dataSync(), withOps.variables[i].dataSync(), `variable ${i}`));
        const [fusedWeights, opsWeights] = await Promise.all([fused, withOps].map((run) => run.optimizer.getWeights()));
        assert.equal(fusedWeights.length, opsWeights.length);
        fusedWeights.forEach(({ name: weight, tensor }, i) =>
          assert.deepEqual(tensor.dataSync(), opsWeights[i].tensor.dataSync(), `optimizer weight ${weight}`));
        for (const run of [fused, withOps]) {
          run.optimizer.dispose();
          tf.dispose(run.variables);
        }
        tf.dispose([fusedWeights[0].tensor, opsWeights[0].tensor]); // the iteration counts
      });
  }
});
