/** Which CPU the figures were measured on: epoch times mean little without it. */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface CpuInfo {
  model: string;
  /** `vendor_id` of /proc/cpuinfo (GenuineIntel, AuthenticAMD), or undefined where it is not known. */
  vendor?: string;
}

/** The first `model name` and `vendor_id` of /proc/cpuinfo text, else `fallbackModel` (os.cpus()'s). */
export function parseCpuInfo(cpuinfo: string, fallbackModel: string): CpuInfo {
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(cpuinfo)?.[1].trim();
  return { model: field('model name') ?? fallbackModel, vendor: field('vendor_id') };
}

export function readCpuInfo(): CpuInfo {
  let text = '';
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: os.cpus() still names the model.
  }
  return parseCpuInfo(text, cpus()[0]?.model ?? 'unknown CPU');
}

/** "CPU Intel(R) Xeon(R) Processor (GenuineIntel)". */
export function formatCpu(cpu: CpuInfo): string {
  return `CPU ${cpu.model}${cpu.vendor ? ` (${cpu.vendor})` : ''}`;
}
