/** The real network's loss landscape along the optimizers' paths: snapshots, the shared plane, the losses, the charts. */
export * from './snapshots';
export * from './plane';
export { symmetricEigen, Eigen } from './eigen';
export { BATCH_POINTS, courseNetworkShape, EvaluationSet, lossesAt } from './evaluate';
export * from './landscape';
export { landscapeBundle, landscapeFigure, landscapeSvg, lineChart, runColor } from './chart';
export * from './show';
