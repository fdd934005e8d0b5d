/**
 * A BatchMatMul for the wasm backend that keeps transposed products on XNNPACK.
 *
 * The stock wasm kernel hands a product to XNNPACK's fully-connected operator only
 * when neither operand is transposed and there is no batch; every other product runs
 * in a scalar triple loop. Backpropagation through a dense layer asks for exactly the
 * transposed kinds, x^T dy for the kernel gradient and dy W^T for the input gradient,
 * so stock training spends most of each step in that loop. Transposing an operand
 * is one linear pass over memory, far cheaper than the product, so this kernel
 * materialises the transpose with the backend's own Transpose kernel and passes an
 * untransposed product to the original kernel. The sums are the same products added
 * in XNNPACK's order, so results agree with the stock kernel to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;

/** Attributes of BatchMatMul, as tfjs-core passes them. */
interface BatchMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Swaps the last two axes: the permutation that turns a stored transpose into a plain matrix. */
function lastTwoAxesSwapped(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, axis) => axis);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/**
 * Wraps the backend's original BatchMatMul kernel so that transposed operands are
 * transposed in memory first and the product itself is always untransposed.
 *
 * @param original The kernel that was registered for BatchMatMul on this backend.
 * @param transpose The backend's Transpose kernel function.
 */
export function transposeFirstBatchMatMul(
  original: tf.KernelFunc,
  transpose: tf.KernelFunc,
): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });

    const temporaries: TensorInfo[] = [];
    const materialise = (x: TensorInfo): TensorInfo => {
      const transposed = transpose({
        inputs: { x },
        backend,
        attrs: { perm: lastTwoAxesSwapped(x.shape.length) },
      }) as TensorInfo;
      temporaries.push(transposed);
      return transposed;
    };
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    try {
      return original({
        inputs: { a: transposeA ? materialise(a) : a, b: transposeB ? materialise(b) : b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temporaries) (backend as tf.KernelBackend).disposeData(t.dataId);
    }
  };
}
