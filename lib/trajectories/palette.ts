/** One color per optimizer, the same in the plotly chart and its static picture (d3's Tableau10). */
import { OPTIMIZER_NAMES, OptimizerName } from '../optimizers';

const TABLEAU10 = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1'];

/** The color of an optimizer's path: its place in the course's order picks it. */
export function optimizerColor(name: OptimizerName): string {
  return TABLEAU10[OPTIMIZER_NAMES.indexOf(name) % TABLEAU10.length];
}
