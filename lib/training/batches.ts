/**
 * Cuts mini-batches out of a data set on the JavaScript side. On the wasm
 * backend a `gather` or a `slice` of a large tensor costs more than the
 * forward pass it feeds (its slice copies the whole input out of wasm memory),
 * so each batch is assembled from rows read straight out of the tensor's wasm
 * memory (on other backends, out of one copy read back at the start). Not
 * copying matters when several runs train at once: the 60,000 MNIST images are
 * 188 MB per copy.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmHeapView } from '../kernels/fused-step';

export class BatchSource {
  /** Number of examples. */
  readonly count: number;
  /** The images' values: a view of the tensor's wasm memory (made afresh, as memory may grow), or a copy. */
  private readonly pixels: () => Float32Array;
  private readonly labels: Int32Array;
  private readonly rowSize: number;
  private readonly rowShape: number[];

  /** `x`: examples along the first axis, kept alive while batches are cut; `y`: one integer label per example. */
  constructor(x: tf.Tensor, y: tf.Tensor) {
    this.count = x.shape[0];
    const view = wasmHeapView(x);
    const copy = view ? undefined : (x.dataSync() as Float32Array);
    this.pixels = view ?? (() => copy!);
    this.labels = Int32Array.from(y.dataSync());
    this.rowSize = x.size / Math.max(this.count, 1);
    this.rowShape = x.shape.slice(1);
  }

  /** The examples at `rows` (any order), as new tensors the caller disposes. */
  rows(rows: ArrayLike<number>): [tf.Tensor, tf.Tensor1D] {
    const { rowSize } = this;
    const pixels = this.pixels();
    const images = new Float32Array(rows.length * rowSize);
    const targets = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      images.set(pixels.subarray(row * rowSize, (row + 1) * rowSize), i * rowSize);
      targets[i] = this.labels[row];
    }
    return [tf.tensor(images, [rows.length, ...this.rowShape], 'float32'), tf.tensor1d(targets, 'int32')];
  }

  /** The `size` examples from `start` on, as new tensors the caller disposes. */
  range(start: number, size: number): [tf.Tensor, tf.Tensor1D] {
    const { rowSize } = this;
    return [
      tf.tensor(this.pixels().slice(start * rowSize, (start + size) * rowSize), [size, ...this.rowShape], 'float32'),
      tf.tensor1d(this.labels.slice(start, start + size), 'int32'),
    ];
  }
}
