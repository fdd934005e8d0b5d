/**
 * The course part of the bench table: the projection with its formula on one
 * line, which runs cost like which configuration, and with `--course` the
 * measured sweep run by run next to the projection of that same sweep.
 */
import { CONFIGURATION_NAMES } from './configurations';
import { courseRuns, EARLY_STOPPING_EPOCHS } from './course';
import type { BenchResult } from './result';
import { duration, fixed, list, mib, minutes, row, rowWithin } from './report-format';

const RUN_LABEL_WIDTH = 26;

export function formatCourse(result: BenchResult): string[] {
  const { projection, course, courseProjection } = result;
  const runs = courseRuns();
  const epochs = CONFIGURATION_NAMES.map((name) => `${name} ${fixed(projection.epochSeconds[name], 2)} s`).join(', ');
  const lines = [
    `Course: ${projection.runs} runs (${projection.totalEpochs} epochs, early stopping counted as ${EARLY_STOPPING_EPOCHS}) on ${projection.cores} cores`,
    row('projected wall', minutes(projection.wallSeconds)),
    `  = each run's expected epochs x its configuration's full-data epoch (${epochs}) x side-by-side slowdown `
      + `${fixed(projection.parallelSlowdown, 2)}, dealt to the cores as the runner does; one core alone: ${minutes(projection.serialSeconds)}`,
    ...CONFIGURATION_NAMES.map((name) => `  ${`${name}:`.padEnd(10)}${runs.filter((run) => run.configuration === name).map((run) => run.spec.label).join(', ')}`),
  ];
  if (!course) return [...lines, row('measured wall', '(--course)')];
  lines.push(
    `${row(`measured wall (${course.epochsPerRun} epochs, ${course.trainSamples} samples)`, duration(course.wallSeconds))}`
      + `  projected for this sweep: ${duration(courseProjection?.wallSeconds ?? NaN)}`,
    row('peak RSS of the sweep (VmHWM)', mib(course.peakRss)),
    row('peak RSS sampled every 100 ms', mib(course.sampledPeakRss)),
    rowWithin(RUN_LABEL_WIDTH, '  run', 'epochs', 'min s/ep', 'median', 'max', 'val_acc'),
    ...course.runs.map((run) => rowWithin(RUN_LABEL_WIDTH, `  ${run.label}`, String(run.epochs),
      fixed(run.minEpochSeconds, 3), fixed(run.medianEpochSeconds, 3), fixed(run.maxEpochSeconds, 3), fixed(run.finalValAcc, 4))),
    ...course.runs.filter((run) => run.epochSeconds).map((run) => `  ${run.label} epochs in the sweep (s): ${list(run.epochSeconds ?? [])}`),
  );
  return lines;
}
