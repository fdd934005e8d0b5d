/** The bench result as a table a person reads in a terminal. */
import { MIB } from './memory';
import type { BenchResult } from './result';

const LABEL_WIDTH = 40;
const CELL_WIDTH = 11;
/** A 1-minute load average above this when the bench starts means other work competes for the cores. */
const BUSY_LOAD = 1;

function row(label: string, ...cells: string[]): string {
  return `${label.padEnd(LABEL_WIDTH)}${cells.map((cell) => cell.padStart(CELL_WIDTH)).join('')}`;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const mib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${Math.round(bytes / MIB)} MiB`);
const minutes = (seconds: number) => `${fixed(seconds / 60, 1)} min`;

export function formatReport(result: BenchResult): string {
  const { epochs: { SGD: sgd, Adam: adam }, sideBySide, projection, torch, course } = result;
  const lines = [
    `Descent Lab bench: ${result.backend.name} backend (${result.backend.reason}), Node ${result.node}, ${result.cores} cores`,
    `fit, verbose 0, batch ${result.batchSize}, ${sgd.samples.toLocaleString('en-US')} training + `
      + `${sgd.validationSamples.toLocaleString('en-US')} validation samples, ${sgd.steps} steps per epoch; `
      + `medians of ${result.reps} epochs after a warm-up${result.quick ? ' (--quick: a slice of the data)' : ''}`,
    `load average ${fixed(result.loadAverage.start, 2)} when the bench started, ${fixed(result.loadAverage.end, 2)} (its own work included) at the end`
      + (result.loadAverage.start > BUSY_LOAD ? ': other processes were using the cores, so the times are high' : ''),
    '',
    row('', 'SGD', 'Adam'),
    row('s per epoch (validation included)', fixed(sgd.epochMedian, 3), fixed(adam.epochMedian, 3)),
    row('  training alone', fixed(sgd.trainingMedian, 3), fixed(adam.trainingMedian, 3)),
    row('  validation alone (evaluate)', fixed(sgd.validationMedian, 3), fixed(adam.validationMedian, 3)),
    row(`ms per step (epoch / ${sgd.steps})`, fixed(sgd.msPerStep, 3), fixed(adam.msPerStep, 3)),
    row('  training alone', fixed(sgd.trainingMsPerStep, 3), fixed(adam.trainingMsPerStep, 3)),
    row('µs per sample (training alone)', fixed(sgd.usPerSample, 1), fixed(adam.usPerSample, 1)),
    row('val_acc after the last epoch', fixed(sgd.finalValAcc, 4), fixed(adam.finalValAcc, 4)),
    row(`s per epoch, ${sideBySide.workers} runs at once (workers)`, fixed(sideBySide.epochSeconds.SGD, 3), fixed(sideBySide.epochSeconds.Adam, 3)),
    row('  slowdown side by side (median)', `x${fixed(sideBySide.slowdown, 2)}`),
    '',
  ];
  if (torch.available) {
    lines.push(
      `PyTorch ${torch.torch}, ${torch.threads} thread, ${torch.python}, same network, data and batch (medians of ${result.reps})`,
      row('s per epoch (validation included)', fixed(torch.SGD.epochMedian, 3), fixed(torch.Adam.epochMedian, 3)),
      row('  validation alone', fixed(torch.SGD.validationMedian, 3), fixed(torch.Adam.validationMedian, 3)),
      row(`ms per step (epoch / ${torch.steps})`, fixed((1000 * torch.SGD.epochMedian) / torch.steps, 3), fixed((1000 * torch.Adam.epochMedian) / torch.steps, 3)),
      row('val_acc after the last epoch', fixed(torch.SGD.finalValAcc, 4), fixed(torch.Adam.finalValAcc, 4)),
      row('ratio: library epoch / PyTorch epoch', `${fixed(sgd.epochMedian / torch.SGD.epochMedian, 2)}x`, `${fixed(adam.epochMedian / torch.Adam.epochMedian, 2)}x`),
    );
  } else {
    lines.push(`PyTorch: ${torch.reason}`);
  }
  lines.push(
    '',
    `Course: ${projection.runs} runs (${projection.totalEpochs} epochs, early stopping counted as 5) dealt to ${projection.workers} workers`,
    row('projected wall', minutes(projection.wallSeconds)),
    `  = runs x expected epochs x full-data epoch (SGD ${fixed(projection.epochSeconds.SGD, 2)} s, Adam ${fixed(projection.epochSeconds.Adam, 2)} s)`
      + ` x side-by-side slowdown ${fixed(projection.parallelSlowdown, 2)}, busiest worker; one worker alone: ${minutes(projection.serialSeconds)}`,
  );
  if (course) {
    lines.push(
      row(`measured wall (${course.epochsPerRun} epochs, ${course.trainSamples} samples)`, minutes(course.wallSeconds)),
      row('peak RSS of the sweep (VmHWM)', mib(course.peakRss)),
      row('peak RSS sampled every 100 ms', mib(course.sampledPeakRss)),
      row('  run', 'epochs', 's/epoch', 'val_acc'),
      ...course.runs.map((run) => row(`  ${run.label}`, String(run.epochs), fixed(run.medianEpochSeconds, 2), fixed(run.finalValAcc, 4))),
    );
  } else {
    lines.push(row('measured wall', '(--course)'));
  }
  lines.push(row('peak RSS of this bench process', mib(result.benchPeakRss)));
  lines.push('', 'Targets');
  for (const target of result.targets) {
    const value = target.value === undefined ? '-' : `${fixed(target.value, target.unit === 'MiB' ? 0 : 2)} ${target.unit}`;
    lines.push(`${row(`  ${target.name}`, value, target.status)}  ${target.note}`);
  }
  return `${lines.join('\n')}\n`;
}
