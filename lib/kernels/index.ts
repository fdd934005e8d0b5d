/**
 * Faster kernels for the wasm backend, installed over the stock ones.
 *
 * Call `installFastKernels()` once after the backend has started; it replaces
 * kernels only where the backend is `wasm` and leaves every other backend alone.
 */
import * as tf from '@tensorflow/tfjs';
import { xnnpackBatchMatMul } from './batch-mat-mul';

export { xnnpackBatchMatMul } from './batch-mat-mul';

const BACKEND = 'wasm';

/** The stock kernels that were replaced, kept so that `uninstallFastKernels` can restore them. */
const replaced = new Map<string, tf.KernelConfig>();

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
 * Replaces slow wasm kernels with faster ones that compute the same numbers:
 * BatchMatMul with a transposed operand runs on XNNPACK instead of a scalar loop,
 * and a large new right operand is not packed (see `xnnpackBatchMatMul`).
 *
 * Idempotent, and a no-op unless the active backend is `wasm`.
 * @returns Whether the fast kernels are installed now.
 */
export function installFastKernels(): boolean {
  if (tf.getBackend() !== BACKEND) return false;
  if (replaced.size > 0) return true;
  const transpose = tf.getKernel(tf.Transpose, BACKEND)?.kernelFunc;
  if (!transpose) throw new Error(`The ${BACKEND} backend has no ${tf.Transpose} kernel.`);
  replaceKernel(tf.BatchMatMul, (original) => xnnpackBatchMatMul(original, transpose));
  return true;
}

/** Puts the stock kernels back (for comparisons and tests). Idempotent. */
export function uninstallFastKernels(): void {
  for (const [kernelName, original] of replaced) {
    tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel(original);
  }
  replaced.clear();
}
