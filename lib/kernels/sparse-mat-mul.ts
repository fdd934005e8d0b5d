/**
 * Matrix products that skip the zeros of their left operand (sparse-mat-mul.wat),
 * for the first layer of the course network, whose input is a batch of MNIST images:
 * about four fifths of the pixels are black.
 *
 *     matMulSkippingZeros(a, b)            = a b       the forward product x W
 *     transposedMatMulSkippingZeros(a, d)  = a^T d     the kernel's gradient x^T dz
 *
 * A product of 32 x 784 images with a 784 x 128 kernel is 3.2 million multiply-adds,
 * of which the zeros of x make four in five pointless. XNNPACK does them all, and
 * first repacks the kernel matrix, which is new at every step (see batch-mat-mul.ts);
 * here the images are read in place, the kernel is read as it is stored, and only the
 * lit pixels are multiplied. Each output is the same sum of products, taken in index
 * order, so results agree with tf.matMul to float32 rounding.
 *
 * The right operand's columns must be a multiple of 4 (SIMD lanes); other shapes, other
 * backends, and the time before `installFastKernels()` use tf.matMul.
 */
import * as tf from '@tensorflow/tfjs';
import { isFusedKernelAvailable, runWasmStep } from './fused-step';
import { WASM_BASE64 } from './sparse-mat-mul-wasm';

/** The kernels' names in the TensorFlow.js registry. */
export const MAT_MUL_SKIPPING_ZEROS = 'DescentLabMatMulSkippingZeros';
export const TRANSPOSED_MAT_MUL_SKIPPING_ZEROS = 'DescentLabTransposedMatMulSkippingZeros';

type Product = (a: number, b: number, out: number, scratch: number, m: number, k: number, n: number) => void;

interface SparseMatMulExports {
  matMulSkippingZeros: Product;
  transposedMatMulSkippingZeros: Product;
}

function kernel(name: keyof SparseMatMulExports, outputShape: (m: number, k: number, n: number) => number[]): tf.KernelFunc {
  return (({ inputs, backend }: Parameters<tf.KernelFunc>[0]) => {
    const { a, b } = inputs as Record<'a' | 'b', tf.TensorInfo>;
    const [m, k] = a.shape;
    const n = b.shape[1];
    // The second output is the kernel's scratch list of nonzero indices; the callers dispose it.
    return runWasmStep<SparseMatMulExports>(backend, WASM_BASE64, [a, b], [{ shape: outputShape(m, k, n) }, { shape: [Math.max(m, k)] }],
      (exports, [aAt, bAt, outAt, scratchAt]) => exports[name](aAt, bAt, outAt, scratchAt, m, k, n));
  }) as tf.KernelFunc;
}

/** The wasm kernels' registrations, for `installFastKernels`. */
export const sparseMatMulConfigs: tf.KernelConfig[] = [
  { kernelName: MAT_MUL_SKIPPING_ZEROS, backendName: 'wasm', kernelFunc: kernel('matMulSkippingZeros', (m, _k, n) => [m, n]) },
  { kernelName: TRANSPOSED_MAT_MUL_SKIPPING_ZEROS, backendName: 'wasm',
    kernelFunc: kernel('transposedMatMulSkippingZeros', (_m, k, n) => [k, n]) },
];

function checkOperands(label: string, a: tf.Tensor, b: tf.Tensor, sharedAxis: 0 | 1): void {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[sharedAxis] !== b.shape[0] || a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error(`${label}: a [${a.shape}] ${a.dtype} and b [${b.shape}] ${b.dtype} do not multiply; ` +
      `pass two float32 matrices whose ${sharedAxis === 1 ? 'inner' : 'first'} dimensions match.`);
  }
}

function fused(kernelName: string, b: tf.Tensor): boolean {
  return (b.shape[1] ?? 0) % 4 === 0 && isFusedKernelAvailable(kernelName);
}

/** Runs a kernel and disposes its scratch output. */
function withoutScratch(kernelName: string, a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [product, scratch] = tf.engine().runKernel(kernelName, { a, b }) as tf.Tensor[];
  scratch.dispose();
  return product as tf.Tensor2D;
}

/** a b for a [m, k] (mostly zeros, ideally) and b [k, n]; a new tensor the caller owns. */
export function matMulSkippingZeros(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  checkOperands('matMulSkippingZeros', a, b, 1);
  return fused(MAT_MUL_SKIPPING_ZEROS, b) ? withoutScratch(MAT_MUL_SKIPPING_ZEROS, a, b) : tf.matMul(a, b);
}

/** a^T d for a [m, k] (mostly zeros, ideally) and d [m, n]; a new tensor the caller owns. */
export function transposedMatMulSkippingZeros(a: tf.Tensor2D, d: tf.Tensor2D): tf.Tensor2D {
  checkOperands('transposedMatMulSkippingZeros', a, d, 0);
  return fused(TRANSPOSED_MAT_MUL_SKIPPING_ZEROS, d)
    ? withoutScratch(TRANSPOSED_MAT_MUL_SKIPPING_ZEROS, a, d)
    : tf.matMul(a, d, true, false);
}
