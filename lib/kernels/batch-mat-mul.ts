/**
 * A BatchMatMul for the wasm backend that keeps every product on XNNPACK and packs
 * the smaller operand.
 *
 * The stock wasm kernel hands a product to XNNPACK's fully-connected operator only
 * when neither operand is transposed and there is no batch; every other product runs
 * in a scalar triple loop. Backpropagation through a dense layer asks for exactly the
 * transposed kinds, x^T dy for the kernel gradient and dy W^T for the input gradient,
 * so stock training spends most of each step in that loop. Transposing an operand
 * is one linear pass over memory, far cheaper than the product, so this kernel
 * materialises the transpose with the backend's own Transpose kernel and passes an
 * untransposed product to the original kernel.
 *
 * XNNPACK repacks the right operand `b` whenever it meets a tensor it has not seen
 * (it caches the packing by tensor id), at about 5 ns an element here. A training
 * step meets a new kernel matrix every time, so the forward product x W with W of
 * 784 x 128 spends more time packing W than multiplying. When `b` is new and much
 * larger than `a`, this kernel computes (b^T a^T)^T instead, so XNNPACK packs the
 * small x^T, at the price of three cheap transposes.
 *
 * Every output is the same dot product, summed in XNNPACK's order, so results agree
 * with the stock kernel to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type DataId = TensorInfo['dataId'];

/** Attributes of BatchMatMul, as tfjs-core passes them. */
interface BatchMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * Costs per element on the wasm backend in Node 20 (one thread, SIMD), rounded to the
 * pessimistic side of what was measured: XNNPACK packs at 5-6 ns, the Transpose
 * kernel copies at 0.6-1.5 ns.
 */
const PACK_NS_PER_ELEMENT = 5;
const TRANSPOSE_NS_PER_ELEMENT = 1.5;

/** Swaps the last two axes: the permutation that turns a stored transpose into a plain matrix. */
function lastTwoAxesSwapped(rank: number): number[] {
  // A plain loop: this runs several times per training step, and Array.from's callback form is slow.
  const perm: number[] = [];
  for (let axis = 0; axis < rank - 2; axis++) perm.push(axis);
  perm.push(rank - 1, rank - 2);
  return perm;
}

function batchSize(x: TensorInfo): number {
  let size = 1;
  for (let axis = 0; axis < x.shape.length - 2; axis++) size *= x.shape[axis];
  return size;
}

/**
 * Whether computing a b as (b^T a^T)^T costs less than packing `b`, for `a` of M x K
 * and `b` of K x N: packing K N elements against transposing K N + M K + M N and
 * packing M K.
 */
function swapIsCheaper(a: TensorInfo, b: TensorInfo): boolean {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const stock = PACK_NS_PER_ELEMENT * k * n;
  const swapped = TRANSPOSE_NS_PER_ELEMENT * (k * n + m * k + m * n) + PACK_NS_PER_ELEMENT * m * k;
  return swapped < stock;
}

/**
 * Wraps the backend's original BatchMatMul kernel so that every product reaching it
 * is untransposed (XNNPACK's case), and a large right operand met for the first time
 * is not packed.
 *
 * @param original The kernel that was registered for BatchMatMul on this backend.
 * @param transpose The backend's Transpose kernel function.
 */
export function xnnpackBatchMatMul(original: tf.KernelFunc, transpose: tf.KernelFunc): tf.KernelFunc {
  // Right operands already met, so XNNPACK has (or will have) them packed. Weak, so
  // that disposed tensors drop out.
  const seenRightOperands = new WeakSet<DataId>();

  return ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    const temporaries: TensorInfo[] = [];
    const transposed = (x: TensorInfo): TensorInfo => {
      const result = transpose({
        inputs: { x },
        backend,
        attrs: { perm: lastTwoAxesSwapped(x.shape.length) },
      }) as TensorInfo;
      temporaries.push(result);
      return result;
    };
    const product = (left: TensorInfo, right: TensorInfo): TensorInfo => original({
      inputs: { a: left, b: right },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    }) as TensorInfo;

    try {
      if (transposeA || transposeB) {
        return product(transposeA ? transposed(a) : a, transposeB ? transposed(b) : b);
      }
      const firstMeeting = !seenRightOperands.has(b.dataId);
      seenRightOperands.add(b.dataId);
      if (firstMeeting && batchSize(a) === 1 && batchSize(b) === 1 && swapIsCheaper(a, b)) {
        const outTransposed = product(transposed(b), transposed(a));
        const out = transpose({
          inputs: { x: outTransposed },
          backend,
          attrs: { perm: lastTwoAxesSwapped(outTransposed.shape.length) },
        }) as TensorInfo;
        temporaries.push(outTransposed);
        return out;
      }
      return original({ inputs, backend, attrs });
    } finally {
      for (const t of temporaries) (backend as tf.KernelBackend).disposeData(t.dataId);
    }
  };
}
