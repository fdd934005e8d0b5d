/** Everything one `npm run bench` measured: what `--json` prints and the table is drawn from. */
import type { ConfigurationName } from './configurations';
import type { CpuInfo } from './cpu';
import type { CourseMeasurement } from './course-run';
import type { CourseProjection } from './course';
import type { EpochTiming } from './epoch-timing';
import type { ParallelTiming } from './parallel';
import type { TargetCheck } from './targets';
import type { TorchResult } from './torch';

export interface BenchResult {
  backend: { name: string; reason: string };
  node: string;
  /** The CPU the figures were measured on. */
  cpu: CpuInfo;
  cores: number;
  /** The 1-minute load average when the bench started (above 1, other work competed) and when it ended. */
  loadAverage: { start: number; end: number };
  quick: boolean;
  /** Timed epochs per configuration (and timed validation passes). */
  reps: number;
  trainSamples: number;
  testSamples: number;
  batchSize: number;
  /** Single-thread epochs through `fit`, one network per cost configuration, all in this process. */
  epochs: Record<ConfigurationName, EpochTiming>;
  /** The same two optimizers trained at once in worker threads. */
  sideBySide: ParallelTiming;
  projection: CourseProjection;
  /** Peak resident memory of the bench process itself (VmHWM, else sampled), in bytes. */
  benchPeakRss: number;
  torch: TorchResult;
  /** The measured sweep, with `--course`. */
  course?: CourseMeasurement;
  /** The projection of that same sweep (its epochs and samples), to set its measured wall against. */
  courseProjection?: CourseProjection;
  targets: TargetCheck[];
}
