/**
 * The command line of `npm run bench`:
 *
 * | flag          | meaning                                                              | default |
 * |---------------|----------------------------------------------------------------------|---------|
 * | `--quick`     | smoke run: 2,000 + 500 samples, 2 repetitions (used by the test)     | off     |
 * | `--course`    | also train the real 15-run sweep and measure its wall time and peak memory (15-30 min) | off |
 * | `--json`      | print one JSON object instead of the table                           | off     |
 * | `--reps N`    | timed epochs per configuration; medians are quoted                    | 5 (2 with `--quick`) |
 * | `--no-torch`  | skip the PyTorch comparison even when torch imports                   | off     |
 */
export interface BenchOptions {
  /** Smoke run on a slice of the data. Defaults to `false`. */
  quick: boolean;
  /** Train the whole course sweep too. Defaults to `false`. */
  course: boolean;
  /** Machine-readable output. Defaults to `false`. */
  json: boolean;
  /** Timed epochs per configuration. Defaults to `5`, or `2` with `--quick`. */
  reps: number;
  /** Run the PyTorch comparison when torch is importable. Defaults to `true`. */
  torch: boolean;
  /** Training images per epoch. Defaults to `60000`, or `2000` with `--quick`. */
  trainSamples: number;
  /** Validation images per epoch. Defaults to `10000`, or `500` with `--quick`. */
  testSamples: number;
}

const USAGE = 'usage: npm run bench -- [--quick] [--course] [--json] [--reps N] [--no-torch]';

/** Parses `argv` (without node and the script); unknown flags are an error that shows the usage. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const flags = new Set<string>();
  let reps: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--reps') {
      reps = Number(argv[++i]);
      if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps needs a whole number of at least 1, got "${argv[i]}". ${USAGE}`);
    } else if (['--quick', '--course', '--json', '--no-torch'].includes(arg)) {
      flags.add(arg);
    } else {
      throw new Error(`Unknown argument "${arg}". ${USAGE}`);
    }
  }
  const quick = flags.has('--quick');
  return {
    quick,
    course: flags.has('--course'),
    json: flags.has('--json'),
    reps: reps ?? (quick ? 2 : 5),
    torch: !flags.has('--no-torch'),
    trainSamples: quick ? 2_000 : 60_000,
    testSamples: quick ? 500 : 10_000,
  };
}
