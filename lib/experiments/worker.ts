/**
 * A worker thread of the experiment runner: starts its own backend, then
 * trains the experiments the main thread sends, one at a time, and posts back
 * every log line, each epoch's figures (for the live chart and for what an Interrupt keeps) and
 * each finished history. On an Interrupt the main thread terminates it: a run in a worker never
 * stops by itself, so nothing here listens for one.
 */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../backend';
import type { CourseSettings } from '../settings';
import { runExperiment, type ExperimentSpec } from './spec';

export type ToWorker = { type: 'run'; id: number; spec: ExperimentSpec; settings: CourseSettings } | { type: 'exit' };
export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'log'; id: number; text: string }
  | { type: 'epoch'; id: number; epoch: number; logs: import('../training/callbacks').EpochLogs; seconds: number }
  | { type: 'done'; id: number; history: import('../training/history').History }
  | { type: 'failed'; id: number; message: string };

const port = parentPort;
if (port) {
  const post = (message: FromWorker) => port.postMessage(message);
  initBackend().then((info) => post({ type: 'ready', backend: info.name }), (error) => {
    throw error;
  });
  port.on('message', async (message: ToWorker) => {
    if (message.type === 'exit') {
      port.close();
      return;
    }
    const { id, spec, settings } = message;
    // Always with the progress bar: it tells the main thread how far each run is (its status line,
    // and the batch an Interrupt stopped at); the main thread decides what is shown.
    const output = { interactive: true, write: (text: string) => post({ type: 'log', id, text }) };
    try {
      await initBackend();
      const onEpochEnd = (epoch: number, logs: Record<string, number>, seconds: number) => post({ type: 'epoch', id, epoch, logs, seconds });
      post({ type: 'done', id, history: await runExperiment(spec, settings, output, onEpochEnd) });
    } catch (error) {
      post({ type: 'failed', id, message: (error as Error).message });
    }
  });
}
