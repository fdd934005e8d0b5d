/** The bench result as a table a person reads in a terminal. */
import { CONFIGURATION_NAMES } from './configurations';
import { formatCpu } from './cpu';
import { formatCourse } from './report-course';
import { fixed, list, mib, row, rowWithin } from './report-format';
import type { BenchResult } from './result';
import { l2OverAdam } from './targets';
import { REFERENCE_BLAS_WARNING } from './torch';

/** A 1-minute load average above this when the bench starts means other work competes for the cores. */
const BUSY_LOAD = 1;
const CONFIGURATION_WIDTH = 12;
const TARGET_WIDTH = 50;

/** One row per configuration: the spread of its epochs, and its per-step and per-sample costs. */
function formatConfigurations(result: BenchResult): string[] {
  return [
    rowWithin(CONFIGURATION_WIDTH, 'config', 's/epoch', 'min', 'max', 'validation', 'ms/step', 'µs/sample', 'val_acc'),
    ...CONFIGURATION_NAMES.map((name) => {
      const timing = result.epochs[name];
      return rowWithin(CONFIGURATION_WIDTH, name, fixed(timing.epochMedian, 3), fixed(timing.epochMin, 3), fixed(timing.epochMax, 3),
        fixed(timing.validationMedian, 3), fixed(timing.msPerStep, 3), fixed(timing.usPerSample, 1), fixed(timing.finalValAcc, 4));
    }),
    `L2 epochs (s): ${list(result.epochs.L2.epochSeconds)}; slowest / Adam median ${fixed(l2OverAdam(result.epochs), 2)}x`
      + `, median / Adam median ${fixed(result.epochs.L2.epochMedian / result.epochs.Adam.epochMedian, 2)}x (the penalty's own work; a slowdown as it trains shows in the first)`,
  ];
}

function formatTorch(result: BenchResult): string[] {
  const { torch, epochs } = result;
  if (!torch.available) return [`PyTorch: ${torch.reason}`];
  const perStep = (seconds: number) => fixed((1000 * seconds) / torch.steps, 3);
  return [
    `PyTorch ${torch.torch}, ${torch.threads} thread, ${torch.python}, same network, data and batch (medians of ${result.reps})`,
    `  BLAS: ${torch.blas.name}${torch.blas.library ? ` (${torch.blas.library})` : ''}`,
    ...(torch.blas.reference ? [`  WARNING: ${REFERENCE_BLAS_WARNING}`] : []),
    row('', 'SGD', 'Adam'),
    row('s per epoch (validation included)', fixed(torch.SGD.epochMedian, 3), fixed(torch.Adam.epochMedian, 3)),
    row('  validation alone', fixed(torch.SGD.validationMedian, 3), fixed(torch.Adam.validationMedian, 3)),
    row(`ms per step (epoch / ${torch.steps})`, perStep(torch.SGD.epochMedian), perStep(torch.Adam.epochMedian)),
    row('val_acc after the last epoch', fixed(torch.SGD.finalValAcc, 4), fixed(torch.Adam.finalValAcc, 4)),
    row('ratio: library epoch / PyTorch epoch', `${fixed(epochs.SGD.epochMedian / torch.SGD.epochMedian, 2)}x`,
      `${fixed(epochs.Adam.epochMedian / torch.Adam.epochMedian, 2)}x`),
  ];
}

export function formatReport(result: BenchResult): string {
  const { epochs: { SGD: sgd }, sideBySide } = result;
  const lines = [
    `Descent Lab bench: ${result.backend.name} backend (${result.backend.reason}), Node ${result.node}, ${result.cores} cores`,
    formatCpu(result.cpu),
    `fit, verbose 0, batch ${result.batchSize}, ${sgd.samples.toLocaleString('en-US')} training + `
      + `${sgd.validationSamples.toLocaleString('en-US')} validation samples, ${sgd.steps} steps per epoch; `
      + `${result.reps} epochs per configuration after a warm-up${result.quick ? ' (--quick: a slice of the data)' : ''}`,
    `load average ${fixed(result.loadAverage.start, 2)} when the bench started, ${fixed(result.loadAverage.end, 2)} (its own work included) at the end`
      + (result.loadAverage.start > BUSY_LOAD ? ': other processes were using the cores, so the times are high' : ''),
    '',
    ...formatConfigurations(result),
    '',
    row('', 'SGD', 'Adam'),
    row(`s per epoch, ${sideBySide.workers} runs at once (workers)`, fixed(sideBySide.epochSeconds.SGD, 3), fixed(sideBySide.epochSeconds.Adam, 3)),
    row('  slowdown side by side (median)', `x${fixed(sideBySide.slowdown, 2)}`),
    '',
    ...formatTorch(result),
    '',
    ...formatCourse(result),
    row('peak RSS of this bench process', mib(result.benchPeakRss)),
    '',
    'Targets',
  ];
  for (const target of result.targets) {
    const value = target.value === undefined ? '-' : `${fixed(target.value, target.unit === 'MiB' ? 0 : 2)} ${target.unit}`;
    lines.push(`${rowWithin(TARGET_WIDTH, `  ${target.name}`, value, target.status)}  ${target.note}`);
  }
  return `${lines.join('\n')}\n`;
}
