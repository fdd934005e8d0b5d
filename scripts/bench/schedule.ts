/**
 * Stand-in for lib/experiments/schedule.ts's `simulateSweep` until it lands on
 * main: plain greedy list scheduling (each run, in list order, goes to the
 * worker that is free first), the same signature so the switch is one import.
 */

/** Wall time of a sweep whose runs, in list order, take `costs` seconds alone, on min(cores, maxRuns) workers. */
export function simulateSweep(costs: number[], cores: number, maxRuns = Infinity): number {
  const workers = Math.max(1, Math.min(cores, maxRuns, costs.length));
  const busyUntil = new Array<number>(workers).fill(0);
  for (const cost of costs) busyUntil[busyUntil.indexOf(Math.min(...busyUntil))] += cost;
  return Math.max(...busyUntil);
}
