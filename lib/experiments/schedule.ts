/**
 * When the last runs of a sweep should share the cores.
 *
 * The runner gives each core a worker, and each worker takes the next run in
 * list order when it is free. With runs of equal length that leaves cores idle
 * at the end: 13 runs of 50 epochs on 2 cores take 7 runs' time, one core
 * waiting while the other trains the 13th alone. Had the last three started
 * together, sharing the 2 cores, all would end after 6.5 runs' time: every core
 * busy until the last run ends (McNaughton's bound, total work / cores).
 *
 * So whenever a worker frees, the runner compares two futures, from estimates of
 * what each run has left (in epochs): going on in list order, or starting every
 * queued run now and letting the operating system share the cores among all
 * runs equally. It starts them all when that ends sooner and keeps the number
 * of runs at once within a limit (each worker holds its own copy of the data).
 * The comparison is pure, so `simulateSweep` can project a whole sweep with it.
 */

/** What is left of a sweep when a worker frees: the work of each queued run and each running one. */
export interface SweepState {
  /** Remaining work of each run not started yet, in list order. */
  queued: readonly number[];
  /** Remaining work of each run being trained (at most `cores` of them). */
  running: readonly number[];
  cores: number;
}

/** When everything ends if each freed core takes the next queued run, in order. */
export function listOrderFinish({ queued, running, cores }: SweepState): number {
  const free = [...running, ...Array<number>(Math.max(0, cores - running.length)).fill(0)];
  for (const work of queued) {
    const earliest = free.indexOf(Math.min(...free));
    free[earliest] += work;
  }
  return Math.max(0, ...free);
}

/** When everything ends if all runs, queued and running, share the cores equally from now. */
export function sharedFinish({ queued, running, cores }: SweepState): number {
  const left = [...queued, ...running].sort((a, b) => a - b);
  let now = 0;
  let done = 0; // work already done by each run still going (they all progress alike)
  for (let i = 0; i < left.length; i++) {
    const speed = Math.min(1, cores / (left.length - i));
    now += (left[i] - done) / speed;
    done = left[i];
  }
  return now;
}

/**
 * Whether to start every queued run now: when sharing the cores ends at least
 * `margin` (a fraction) sooner than going on in order, and no more than `maxRuns`
 * runs would then train at once.
 */
export function shouldShareCores(state: SweepState, maxRuns: number, margin = 0.01): boolean {
  if (state.queued.length === 0 || state.queued.length + state.running.length > maxRuns) return false;
  return sharedFinish(state) < listOrderFinish(state) * (1 - margin);
}

/** The most runs the runner trains at once: one per core, and one more to fill the end of a sweep. */
export function maxRunsAtOnce(cores: number): number {
  return cores + 1;
}

/**
 * The wall time of a sweep whose runs take `costs` (seconds alone, in list order)
 * on `cores` cores under the runner's policy: in order, until sharing the cores
 * among the last runs ends sooner. Start-up and the cost of sharing are left out.
 */
export function simulateSweep(costs: readonly number[], cores: number, maxRuns = maxRunsAtOnce(cores)): number {
  let now = 0;
  let next = 0;
  let running: number[] = [];
  let sharing = false;
  while (next < costs.length || running.length > 0) {
    // Fill free cores in order; at each start, ask whether the rest should start too.
    while (!sharing && next < costs.length && running.length < cores) {
      if (shouldShareCores({ queued: costs.slice(next), running, cores }, maxRuns)) {
        running.push(...costs.slice(next));
        next = costs.length;
        sharing = true;
      } else {
        running.push(costs[next++]);
      }
    }
    if (running.length === 0) break;
    // Advance to the next run's end, every run at its share of the cores.
    const speed = Math.min(1, cores / running.length);
    const step = Math.min(...running) / speed;
    now += step;
    running = running.map((work) => work - step * speed).filter((work) => work > 1e-9);
  }
  return now;
}
