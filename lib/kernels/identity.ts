/**
 * An Identity for the wasm backend that shares the input's memory instead of copying it.
 *
 * The engine clones every tensor that a gradient will need (`saveTensorsForBackwardMode`),
 * and a clone is an Identity kernel. The stock wasm Identity allocates and copies, so
 * recording one training step of the course network copies about 180,000 floats that
 * nobody writes to. Tensors are immutable and no wasm kernel writes into its input, so
 * the output can point at the same memory with one more reference, as the stock wasm
 * Reshape and the cpu backend's Identity already do. Values are unchanged, bit for bit.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Wraps the backend's original Identity kernel: numeric tensors share the input's data
 * (one more reference); strings, which the wasm backend keeps outside its memory, still
 * go through the original.
 */
export function sharingIdentity(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    (args.backend as tf.KernelBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
