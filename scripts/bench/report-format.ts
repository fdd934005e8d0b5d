/** Cells of the bench's terminal table: fixed-width columns, '-' for a figure that was not measured. */
import { MIB } from './memory';

export const LABEL_WIDTH = 40;
export const CELL_WIDTH = 11;

/** A label padded to `labelWidth`, then right-aligned cells. */
export function row(label: string, ...cells: string[]): string {
  return rowWithin(LABEL_WIDTH, label, ...cells);
}

export function rowWithin(labelWidth: number, label: string, ...cells: string[]): string {
  return `${label.padEnd(labelWidth)}${cells.map((cell) => cell.padStart(CELL_WIDTH)).join('')}`;
}

export const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
export const mib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${Math.round(bytes / MIB)} MiB`);
export const minutes = (seconds: number) => `${fixed(seconds / 60, 1)} min`;
/** Minutes, or seconds below two minutes (a --quick sweep), where "0.1 min" would hide the comparison. */
export const duration = (seconds: number) => (seconds < 120 ? `${fixed(seconds, 1)} s` : minutes(seconds));
/** Every value, as the target's "in full" asks: "1.234 1.250 1.301". */
export const list = (values: readonly number[], digits = 3) => values.map((value) => fixed(value, digits)).join(' ');
