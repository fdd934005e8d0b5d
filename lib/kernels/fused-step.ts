/**
 * What the fused optimizer-step kernels (adam-step, momentum-step, rmsprop-step)
 * share: each is a hand-written WebAssembly module instantiated against the wasm
 * backend's own memory, so that it reads its operands and writes its outputs in
 * place, in one pass; each has a tf-ops form of the same arithmetic for other
 * backends; and each checks its operands the same way.
 */
import * as tf from '@tensorflow/tfjs';

/** What these kernels need of the wasm backend (its class is not exported with these members). */
interface WasmBackendInternals {
  wasm: { asm: { memory: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

/**
 * A view of a float32 tensor's values in the wasm backend's memory, without copying them, or
 * undefined on another backend. Call it again after any tensor op: a growing memory replaces
 * the buffer (the offset stays valid for the tensor's life). Writing to the view changes the tensor.
 */
export function wasmHeapView(t: tf.Tensor): (() => Float32Array) | undefined {
  if (tf.getBackend() !== 'wasm' || t.dtype !== 'float32') return undefined;
  const backend = tf.backend() as unknown as WasmBackendInternals;
  const offset = backend.dataIdMap.get(t.dataId).memoryOffset;
  const memory = backend.wasm.asm.memory;
  return () => new Float32Array(memory.buffer, offset, t.size);
}

/** Per backend, the modules instantiated against its memory, by their base64 bytes. */
const instances = new WeakMap<object, Map<string, WebAssembly.Exports>>();

/**
 * Runs the exported function of a wasm module over `inputs`, writing fresh float32
 * outputs of the shapes of `outputsLike`: `call` receives the byte offsets of the
 * inputs, then of the outputs, in memory. The module is instantiated once per backend.
 */
export function runWasmStep<Exports>(
  backend: object, moduleBase64: string, inputs: tf.TensorInfo[], outputsLike: Pick<tf.TensorInfo, 'shape'>[],
  call: (exports: Exports, addresses: number[]) => void,
): tf.TensorInfo[] {
  const wasmBackend = backend as unknown as WasmBackendInternals;
  let modules = instances.get(backend);
  if (!modules) instances.set(backend, modules = new Map());
  let exports = modules.get(moduleBase64);
  if (!exports) {
    const module = new WebAssembly.Module(Buffer.from(moduleBase64, 'base64'));
    exports = new WebAssembly.Instance(module, { env: { memory: wasmBackend.wasm.asm.memory } }).exports;
    modules.set(moduleBase64, exports);
  }
  // Allocate first: a new output may grow the memory, but offsets stay valid.
  const outputs = outputsLike.map((t) => wasmBackend.makeOutput(t.shape, 'float32'));
  call(exports as unknown as Exports,
    [...inputs, ...outputs].map((t) => wasmBackend.dataIdMap.get(t.dataId).memoryOffset));
  return outputs;
}

/**
 * Whether `kernelName` runs as a fused kernel on the active backend (on wasm after
 * `installFastKernels()`). Optimizers ask this once per step and otherwise update
 * with their own tf ops.
 */
export function isFusedKernelAvailable(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) != null;
}

/**
 * Runs a fused step: as the registered kernel where there is one, else as `withOps`.
 * First checks that every operand is float32 and shaped like `variable`, and says
 * which one is not.
 */
export function runFusedStep(
  label: string, kernelName: string, operands: Record<string, tf.Tensor>, attrs: object,
  withOps: () => tf.Tensor[],
): tf.Tensor[] {
  const [[, variable], ...others] = Object.entries(operands);
  for (const [name, t] of others) {
    if (!tf.util.arraysEqual(t.shape, variable.shape)) {
      throw new Error(`${label}: ${name} has shape [${t.shape}] but the variable has [${variable.shape}]; ` +
        'pass the slots and gradient of this variable.');
    }
  }
  for (const [name, t] of Object.entries(operands)) {
    if (t.dtype !== 'float32') throw new Error(`${label}: ${name} is ${t.dtype}; it must be float32.`);
  }
  return isFusedKernelAvailable(kernelName)
    ? tf.engine().runKernel(kernelName, operands, attrs as tf.NamedAttrMap) as tf.Tensor[]
    : withOps();
}
