/** How a path is named in a legend: the optimizer and the settings that make it differ. */
import { OptimizerOptions } from '../optimizers';
import { OptimizerPath } from './path';

/** A number as short as it reads: 0.0015, 0.3, 4. */
export function shortNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** `'Momentum η=0.0015 β=0.9'`: the learning rate, and the momentum where there is one. */
export function pathLabel(path: Pick<OptimizerPath, 'optimizer' | 'options' | 'divergedAt'>): string {
  const options: OptimizerOptions = path.options;
  const parts: string[] = [path.optimizer];
  if (options.learningRate !== undefined) parts.push(`η=${shortNumber(options.learningRate)}`);
  if (options.momentum !== undefined) parts.push(`β=${shortNumber(options.momentum)}`);
  return path.divergedAt === undefined ? parts.join(' ') : `${parts.join(' ')}, diverged at step ${path.divergedAt}`;
}
