/**
 * Faster kernels for the wasm backend.
 *
 * Call `installFastKernels()` once after the backend has started; it changes
 * kernels only where the backend is `wasm` and leaves every other backend alone.
 */
import * as tf from '@tensorflow/tfjs';
import { adamStepConfigs } from './adam-step';
import { xnnpackBatchMatMul } from './batch-mat-mul';
import { sharingIdentity } from './identity';
import { addScaledConfig } from './add-scaled';
import { sparseMatMulConfigs } from './sparse-mat-mul';
import { l2GradientAndSquaresConfig } from './l2-gradient';
import { momentumStepConfig } from './momentum-step';
import { rmspropStepConfig } from './rmsprop-step';

export { ADAM_STEP, ADAM_STEP_WITH_L2, adamStep } from './adam-step';
export type { AdamStepCoefficients, AdamStepResult } from './adam-step';
export { MOMENTUM_STEP, momentumStep } from './momentum-step';
export type { MomentumStepCoefficients, MomentumStepResult } from './momentum-step';
export { RMSPROP_STEP, rmspropStep } from './rmsprop-step';
export type { RMSpropStepCoefficients, RMSpropStepResult } from './rmsprop-step';
export { isFusedKernelAvailable } from './fused-step';
export { FLOAT32_MIN_NORMAL, flushDenormals } from './flush-denormals';
export { ADD_SCALED, addScaled, l2Gradient, sgdStep } from './add-scaled';
export { L2_GRADIENT_AND_SQUARES, l2GradientAndSquares, sumOfSquares } from './l2-gradient';
export {
  MAT_MUL_SKIPPING_ZEROS, TRANSPOSED_MAT_MUL_SKIPPING_ZEROS, matMulSkippingZeros, transposedMatMulSkippingZeros,
} from './sparse-mat-mul';
export { xnnpackBatchMatMul } from './batch-mat-mul';
export { sharingIdentity } from './identity';
export { sparseCategoricalCrossentropyWithGradient } from './sparse-cross-entropy';

const BACKEND = 'wasm';

/** The stock kernels that were replaced, kept so that `uninstallFastKernels` can restore them. */
const replaced = new Map<string, tf.KernelConfig>();
/** Kernels this library adds under names of its own. */
const added: tf.KernelConfig[] = [...adamStepConfigs, momentumStepConfig, rmspropStepConfig, addScaledConfig, l2GradientAndSquaresConfig, ...sparseMatMulConfigs];
let installed = false;

function replaceKernel(kernelName: string, makeKernel: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(kernelName, BACKEND);
  if (!original) {
    throw new Error(`The ${BACKEND} backend has no ${kernelName} kernel to replace: ` +
      'is @tensorflow/tfjs-backend-wasm the version this library pins (4.22.0)?');
  }
  tf.unregisterKernel(kernelName, BACKEND);
  tf.registerKernel({ ...original, kernelFunc: makeKernel(original.kernelFunc) });
  replaced.set(kernelName, original);
}

/**
 * Makes training on the wasm backend faster without changing its numbers beyond
 * float32 rounding:
 * - BatchMatMul with a transposed operand runs on XNNPACK instead of a scalar loop,
 *   and a large new right operand is not packed (see `xnnpackBatchMatMul`);
 * - Identity (every tensor the tape saves for the backward pass) shares memory
 *   instead of copying it (see `sharingIdentity`);
 * - `adamStep`, `momentumStep` and `rmspropStep`, with which the optimizers update
 *   each variable, run as one WebAssembly SIMD kernel each instead of 4 to 14 tf ops.
 *
 * Idempotent, and a no-op unless the active backend is `wasm`.
 * @returns Whether the fast kernels are installed now.
 */
export function installFastKernels(): boolean {
  if (tf.getBackend() !== BACKEND) return false;
  if (installed) return true;
  const transpose = tf.getKernel(tf.Transpose, BACKEND)?.kernelFunc;
  if (!transpose) throw new Error(`The ${BACKEND} backend has no ${tf.Transpose} kernel.`);
  replaceKernel(tf.BatchMatMul, (original) => xnnpackBatchMatMul(original, transpose));
  replaceKernel(tf.Identity, sharingIdentity);
  for (const config of added) tf.registerKernel(config);
  installed = true;
  return true;
}

/** Puts the stock kernels back and removes the added ones (for comparisons and tests). Idempotent. */
export function uninstallFastKernels(): void {
  if (!installed) return;
  for (const [kernelName, original] of replaced) {
    tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel(original);
  }
  replaced.clear();
  for (const config of added) tf.unregisterKernel(config.kernelName, config.backendName);
  installed = false;
}
