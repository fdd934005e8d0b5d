/**
 * The output end of a training step for a softmax network, in plain JavaScript:
 * from the last layer's logits to Keras's loss, the number of right answers and
 * the gradient with respect to the logits, in one pass.
 *
 * For the course this is a 32 x 10 array. On the wasm backend each tensor op
 * costs several microseconds of bookkeeping whatever its size, and this part of
 * the step was twenty-odd such ops (softmax, one-hot, clip, log, sums, arg-max and
 * their gradients); here it is one read of the logits and one new tensor.
 *
 * Per row, with p = softmax(z), an optional dropout mask r after the softmax
 * (q = p * r; r = 1 without dropout), c = clip(q) to [eps, 1 - eps] and S = sum_j c_j:
 *
 *     loss    = log S - log c_y                       Keras's -log(clip(q_y) / sum_j clip(q_j))
 *     dq_k    = passes_k * (1 / S - [k = y] / c_k) / B  passes: where the clip lets gradients through
 *     dp_k    = dq_k * r_k
 *     dz_k    = p_k * (dp_k - sum_j dp_j p_j)          the softmax's backward pass
 *
 * The arithmetic is done in float64 and rounded once at the end, so it agrees
 * with the float32 tensor ops to their rounding. NaN anywhere makes the loss NaN,
 * which `fit` reports as a divergence.
 */
import { EPSILON } from './loss';

/** What the head of one batch yields. */
export interface HeadResult {
  /** Mean loss over the batch (no regularisation penalty). */
  loss: number;
  /** Rows whose largest output (after the output dropout, as Keras counts) is the label. */
  correct: number;
  /** d loss / d logits, row-major [batch, classes]. */
  dLogits: Float32Array;
}

/**
 * Loss, right answers and logit gradients of one batch.
 *
 * @param logits The last Dense layer's pre-softmax outputs, row-major [batch, classes].
 * @param labels One class index per row.
 * @param mask The dropout mask applied after the softmax (0 or 1 / (1 - rate)), or undefined for none.
 */
export function crossEntropyHead(logits: ArrayLike<number>, labels: ArrayLike<number>, mask?: ArrayLike<number>): HeadResult {
  const batch = labels.length;
  const classes = logits.length / batch;
  if (!Number.isInteger(classes) || classes < 1 || (mask && mask.length !== logits.length)) {
    throw new Error(`crossEntropyHead: ${logits.length} logits${mask ? ` and ${mask.length} mask values` : ''} ` +
      `do not make ${batch} rows of the same width; pass [batch, classes] arrays and one label per row.`);
  }
  const dLogits = new Float32Array(logits.length);
  const p = new Float64Array(classes);
  const dp = new Float64Array(classes);
  let lossSum = 0;
  let correct = 0;
  for (let row = 0; row < batch; row++) {
    const at = row * classes;
    const label = labels[row];
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[at + k]);
    let expSum = 0;
    for (let k = 0; k < classes; k++) expSum += (p[k] = Math.exp(logits[at + k] - max));
    let clippedSum = 0;
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < classes; k++) {
      p[k] /= expSum;
      const q = mask ? p[k] * mask[at + k] : p[k];
      if (q > bestValue) [best, bestValue] = [k, q];
      // Keras's clip, letting NaN through (and with it, the gradient).
      clippedSum += Number.isNaN(q) ? q : Math.min(Math.max(q, EPSILON), 1 - EPSILON);
    }
    const qLabel = mask ? p[label] * mask[at + label] : p[label];
    const clippedLabel = Number.isNaN(qLabel) ? qLabel : Math.min(Math.max(qLabel, EPSILON), 1 - EPSILON);
    lossSum += Math.log(clippedSum) - Math.log(clippedLabel);
    if (best === label) correct++;
    let dot = 0;
    for (let k = 0; k < classes; k++) {
      const q = mask ? p[k] * mask[at + k] : p[k];
      const passes = Number.isNaN(q) || (q >= EPSILON && q <= 1 - EPSILON);
      const dq = passes ? (1 / clippedSum - (k === label ? 1 / clippedLabel : 0)) / batch : 0;
      dp[k] = mask ? dq * mask[at + k] : dq;
      dot += dp[k] * p[k];
    }
    for (let k = 0; k < classes; k++) dLogits[at + k] = p[k] * (dp[k] - dot);
  }
  return { loss: lossSum / batch, correct, dLogits };
}
