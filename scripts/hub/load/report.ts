/** The load test's figures as text: per phase p50 / p95 / max and failures, memory, hub and proxy. */
import type { ResourceFigures } from './resource-sampler';
import { PHASES, type Phase, type SessionResult } from './student-session';

/** The nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface RoundResult {
  students: number;
  sessions: SessionResult[];
  trivial: { ms: number[]; failures: string[] };
  idleMiB: number[];
  /** CPU time each student's server and kernel used from login to the end of the notebook. */
  cpuSeconds: number[];
  resources: ResourceFigures;
  wallSeconds: number;
}

const seconds = (ms: number) => (Number.isNaN(ms) ? '-' : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1));
const pad = (text: string, width: number) => text.padStart(width);

export function phaseTimes(round: RoundResult, phase: Phase): number[] {
  return round.sessions.map((session) => session.ms[phase]).filter((ms): ms is number => ms !== undefined);
}

export function failures(round: RoundResult): string[] {
  return [
    ...round.sessions.filter((session) => session.failure)
      .map((session) => `${session.name}: ${session.failure!.phase}: ${session.failure!.message}`),
    ...round.trivial.failures,
  ];
}

export function formatRound(round: RoundResult): string {
  const lines = [`N = ${round.students} students (${round.wallSeconds.toFixed(0)} s)`,
    `  ${'phase'.padEnd(36)}${pad('done', 6)}${pad('p50 s', 8)}${pad('p95 s', 8)}${pad('max s', 8)}${pad('failed', 8)}`];
  const row = (label: string, values: number[], failed: number) =>
    `  ${label.padEnd(36)}${pad(String(values.length), 6)}${pad(seconds(percentile(values, 50)), 8)}${pad(seconds(percentile(values, 95)), 8)}`
    + `${pad(seconds(Math.max(...values)), 8)}${pad(String(failed), 8)}`;
  for (const phase of PHASES) {
    const failed = round.sessions.filter((session) => session.failure?.phase === phase
      || (phase === 'whole notebook' && session.failure?.phase === 'cell')).length;
    lines.push(row(phase, phaseTimes(round, phase), failed));
  }
  lines.push(row('trivial cell, all connected and idle', round.trivial.ms, round.trivial.failures.length));
  const peaks = [...round.resources.studentPeakMiB.values()];
  const mib = (value: number) => `${value.toFixed(0)} MiB`;
  lines.push(
    `  memory per student (server + kernel RSS): idle after the notebook p50 ${mib(percentile(round.idleMiB, 50))}, max ${mib(Math.max(...round.idleMiB))}; `
      + `peak p50 ${mib(percentile(peaks, 50))}, max ${mib(Math.max(...peaks))}; all students idle ${mib(round.idleMiB.reduce((a, b) => a + b, 0))}`,
    `  CPU per student (server + kernel, login to the end of the notebook): p50 ${percentile(round.cpuSeconds, 50).toFixed(1)} CPU-s, `
      + `max ${Math.max(...round.cpuSeconds).toFixed(1)}; all students ${round.cpuSeconds.reduce((a, b) => a + b, 0).toFixed(0)} CPU-s`,
    `  hub: ${round.resources.hub.cpuSeconds.toFixed(1)} CPU-s, peak RSS ${mib(round.resources.hub.peakMiB)}; `
      + `proxy: ${round.resources.proxy.cpuSeconds.toFixed(1)} CPU-s, peak RSS ${mib(round.resources.proxy.peakMiB)}; `
      + `machine's lowest MemAvailable ${mib(round.resources.minAvailableMiB)}`,
  );
  for (const failure of failures(round)) lines.push(`  FAILED ${failure}`);
  return lines.join('\n');
}

/** The targets, checked on the largest round. */
export function formatTargets(round: RoundResult): string {
  const p95 = (phase: Phase) => percentile(phaseTimes(round, phase), 95);
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const idleTotal = round.idleMiB.reduce((a, b) => a + b, 0);
  return [
    `Targets at N = ${round.students}:`,
    `  ${verdict(failures(round).length === 0)} no failure (${failures(round).length})`,
    `  ${verdict(p95('server ready') < 20_000)} server ready p95 < 20 s (${seconds(p95('server ready'))} s)`,
    `  ${verdict(p95('kernel ready') < 20_000)} kernel ready p95 < 20 s (${seconds(p95('kernel ready'))} s)`,
    `  ${verdict(percentile(round.trivial.ms, 95) < 1000)} trivial cell p95 < 1 s with all connected (${seconds(percentile(round.trivial.ms, 95))} s)`,
    `  ${verdict(round.resources.minAvailableMiB > 2048)} all fit in memory with room to spare (students idle ${idleTotal.toFixed(0)} MiB; lowest MemAvailable ${round.resources.minAvailableMiB.toFixed(0)} MiB)`,
  ].join('\n');
}
