/**
 * Picks the fastest TensorFlow.js backend that works on this machine.
 *
 * Order of preference: `tensorflow` (the native `@tensorflow/tfjs-node` binding,
 * an optional dependency that needs libtensorflow at install), then `wasm`
 * (XNNPACK compiled to WebAssembly with SIMD; ships inside its npm package), then
 * the pure-JavaScript `cpu` backend. The choice and the reason for it are kept so
 * that notebooks and benchmarks can say which backend ran.
 */
import * as tf from '@tensorflow/tfjs';
import { installFastKernels } from './kernels';

/** The backends Descent Lab knows how to start. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Which backend runs, and why it was chosen over the ones before it. */
export interface BackendInfo {
  /** The TensorFlow.js backend name, as `tf.getBackend()` reports it. */
  name: BackendName;
  /** A sentence a person can read: why this backend and not a faster one. */
  reason: string;
}

let chosen: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

function loadNativeBinding(): string | undefined {
  try {
    // Registers the 'tensorflow' backend as a side effect.
    require('@tensorflow/tfjs-node');
    return undefined;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    return message.includes('Cannot find module')
      ? '@tensorflow/tfjs-node is not installed'
      : `@tensorflow/tfjs-node did not load (${message})`;
  }
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function choose(preferred?: BackendName): Promise<BackendInfo> {
  const order: BackendName[] = preferred ? [preferred] : ['tensorflow', 'wasm', 'cpu'];
  const skipped: string[] = [];
  for (const name of order) {
    if (name === 'tensorflow') {
      const problem = loadNativeBinding();
      if (problem) {
        skipped.push(problem);
        continue;
      }
    }
    if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
    if (await tryBackend(name)) {
      await tf.ready();
      // Stock wasm runs transposed matmuls (most of the backward pass) in a scalar loop.
      installFastKernels();
      const reason = skipped.length
        ? `${skipped.join('; ')}, so ${name} runs`
        : preferred ? `${name} was asked for` : `${name} is the fastest backend available`;
      return { name, reason };
    }
    skipped.push(`the ${name} backend failed to start`);
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.join('; ')}.`);
}

/**
 * Starts the best backend once per process and returns which one runs.
 * Later calls return the same answer. Pass a name to force one backend
 * (the environment variable `DESCENT_LAB_BACKEND` does the same).
 */
export function initBackend(preferred?: BackendName): Promise<BackendInfo> {
  const wanted = preferred ?? (process.env.DESCENT_LAB_BACKEND as BackendName | undefined);
  if (wanted && !['tensorflow', 'wasm', 'cpu'].includes(wanted)) {
    return Promise.reject(new Error(
      `Unknown backend "${wanted}": use one of tensorflow, wasm, cpu (or unset DESCENT_LAB_BACKEND).`));
  }
  if (!pending || (wanted && chosen && chosen.name !== wanted)) {
    pending = choose(wanted).then((info) => (chosen = info));
  }
  return pending;
}

/** The backend that runs, or undefined before `initBackend` has finished. */
export function backendInfo(): BackendInfo | undefined {
  return chosen;
}
