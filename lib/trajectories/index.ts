/** Optimizers walking on 2-D surfaces: the surfaces, the paths, their charts. */
export * from './surface';
export { QUADRATIC } from './quadratic';
export { ROSENBROCK } from './rosenbrock';
export { SADDLE } from './saddle';
export { SURFACES } from './surfaces';
export * from './path';
export { pathLabel } from './labels';
export { optimizerColor } from './palette';
export { CONTOUR_GRID_SIZE, TRAJECTORY_CHART_SIZE } from './figure';
export { trajectoriesSvg } from './picture';
export { animatedTrajectoriesBundle, animatedTrajectoriesFigure } from './animation-chart';
export { learningRateSliderBundle, momentumSliderBundle, MomentumSliderOptions } from './slider-chart';
export { lossChart, LOG_LOSS_FLOOR } from './losses';
export * from './settings';
export * from './show';
export { pathTable } from './summary';
