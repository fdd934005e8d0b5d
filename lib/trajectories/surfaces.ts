/** The three surfaces of the trajectories notebook, in the order it visits them. */
import { QUADRATIC } from './quadratic';
import { ROSENBROCK } from './rosenbrock';
import { SADDLE } from './saddle';
import { Surface } from './surface';

export const SURFACES: readonly Surface[] = [QUADRATIC, ROSENBROCK, SADDLE];
