/**
 * The PyTorch side of the comparison: finds a Python that imports torch and
 * runs scripts/bench_torch.py with it, in the same bench run as the library's
 * measurements. Interpreters tried, in order: `DESCENT_LAB_PYTHON`, `python3`
 * on the PATH, and Debian's `/usr/bin/python3` (where `apt-get install
 * python3-torch` puts torch when a pyenv `python3` shadows it).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '../../../scripts/bench_torch.py');

export interface TorchOptimizerTiming {
  epochSeconds: number[];
  validationSeconds: number[];
  epochMedian: number;
  validationMedian: number;
  finalValAcc: number;
}

/** The BLAS torch's products run on, as bench_torch.py found it. */
export interface TorchBlas {
  /** OpenBLAS, BLIS, MKL, ATLAS, reference BLAS, or torch's BLAS_INFO when no library was seen mapped. */
  name: string;
  /** The mapped shared library, when one was found. */
  library: string | null;
  /** Netlib's reference BLAS: correct but about 6x slower, so no ratio against it is judged. */
  reference: boolean;
}

/** What to do about the reference BLAS (Debian's python3-torch falls back to it without an optimized one). */
export const REFERENCE_BLAS_WARNING = 'PyTorch runs on the reference BLAS, about 6x slower; apt-get install libopenblas0-pthread';

export type TorchResult =
  | { available: true; python: string; torch: string; blas: TorchBlas; threads: number; samples: number; validationSamples: number;
      steps: number; SGD: TorchOptimizerTiming; Adam: TorchOptimizerTiming }
  | { available: false; reason: string };

/** The first interpreter that imports torch, or undefined. */
export function findTorchPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [...new Set([env.DESCENT_LAB_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c))];
  return candidates.find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
}

/** Runs the PyTorch bench, or says why it could not. */
export function runTorchBench(reps: number, trainSamples: number, testSamples: number): TorchResult {
  const python = findTorchPython();
  if (!python) {
    return { available: false, reason: 'PyTorch not available (no python3 imports torch; `apt-get install python3-torch` adds it)' };
  }
  const run = spawnSync(python, [SCRIPT, '--reps', String(reps), '--train-samples', String(trainSamples), '--test-samples', String(testSamples)],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) {
    const why = (run.stderr || run.error?.message || '').trim().split('\n').pop();
    return { available: false, reason: `PyTorch bench failed (${python} exited ${run.status}: ${why})` };
  }
  return { available: true, python, ...JSON.parse(run.stdout) };
}
