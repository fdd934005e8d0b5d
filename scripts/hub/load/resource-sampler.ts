/**
 * Samples, once a second from /proc, the memory (RSS) of each student's processes (their server
 * and kernel, summed per account) and the CPU time and memory of the hub and of its proxy, with
 * the machine's available memory, so a load test can say what each costs.
 */
import * as fs from 'node:fs';

const pageKiB = 4;
const ticks = 100; // USER_HZ on Linux

interface ProcSample { uid: number; rssKiB: number; cpuSeconds: number }

function readProc(pid: number): ProcSample | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      uid: Number(/^Uid:\s+(\d+)/m.exec(status)![1]),
      rssKiB: Number(fields[21]) * pageKiB,
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticks,
    };
  } catch {
    return undefined; // ended while we looked
  }
}

export function memAvailableMiB(): number {
  const line = /^MemAvailable:\s+(\d+)/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
  return Number(line![1]) / 1024;
}

export interface ResourceFigures {
  /** Peak of each account's summed RSS, MiB. */
  studentPeakMiB: Map<number, number>;
  hub: { cpuSeconds: number; peakMiB: number };
  proxy: { cpuSeconds: number; peakMiB: number };
  minAvailableMiB: number;
}

export class ResourceSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly studentPeak = new Map<number, number>();
  private readonly start: { hub: number; proxy: number };
  private hubPeak = 0;
  private proxyPeak = 0;
  private hubCpu = 0;
  private proxyCpu = 0;
  private minAvailable = Infinity;

  /** Called once if the machine's available memory falls under `lowMemoryMiB` (to stop the round). */
  onLowMemory: (() => void) | undefined;
  lowMemoryMiB = 1024;

  constructor(private readonly uids: Set<number>, private readonly hubPid: number, private readonly proxyPid: number) {
    this.start = { hub: readProc(hubPid)?.cpuSeconds ?? 0, proxy: readProc(proxyPid)?.cpuSeconds ?? 0 };
  }

  /** The RSS (MiB) and CPU time so far (s) of each student account's processes now, summed per account. */
  studentsNow(): Map<number, { mib: number; cpuSeconds: number }> {
    const perUid = new Map<number, { mib: number; cpuSeconds: number }>();
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const sample = readProc(Number(entry));
      if (!sample || !this.uids.has(sample.uid)) continue;
      const sum = perUid.get(sample.uid) ?? { mib: 0, cpuSeconds: 0 };
      perUid.set(sample.uid, { mib: sum.mib + sample.rssKiB / 1024, cpuSeconds: sum.cpuSeconds + sample.cpuSeconds });
    }
    return perUid;
  }

  sample(): void {
    for (const [uid, { mib }] of this.studentsNow()) this.studentPeak.set(uid, Math.max(this.studentPeak.get(uid) ?? 0, mib));
    const hub = readProc(this.hubPid);
    const proxy = readProc(this.proxyPid);
    if (hub) { this.hubPeak = Math.max(this.hubPeak, hub.rssKiB / 1024); this.hubCpu = hub.cpuSeconds - this.start.hub; }
    if (proxy) { this.proxyPeak = Math.max(this.proxyPeak, proxy.rssKiB / 1024); this.proxyCpu = proxy.cpuSeconds - this.start.proxy; }
    this.minAvailable = Math.min(this.minAvailable, memAvailableMiB());
    if (this.minAvailable < this.lowMemoryMiB && this.onLowMemory) {
      const stop = this.onLowMemory;
      this.onLowMemory = undefined;
      stop();
    }
  }

  startSampling(intervalMs = 1000): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    return this;
  }

  stop(): ResourceFigures {
    clearInterval(this.timer);
    this.sample();
    return {
      studentPeakMiB: this.studentPeak,
      hub: { cpuSeconds: this.hubCpu, peakMiB: this.hubPeak },
      proxy: { cpuSeconds: this.proxyCpu, peakMiB: this.proxyPeak },
      minAvailableMiB: this.minAvailable,
    };
  }
}
