/** The seven optimizers of the course, AdamW, their parts, and `makeOptimizer`. */
export { DescentOptimizer, FusedUpdate } from './base';
export { checkHyperparameter, HyperparameterRange } from './hyperparameters';
export { applyAdaptiveStep, DecayRate, updateMovingAverage } from './parts';
export { SGD, sgd, SGDOptions } from './sgd';
export { Momentum, momentum, MomentumOptions } from './momentum';
export { Nesterov, nesterov } from './nesterov';
export { RMSprop, rmsprop, RMSpropOptions } from './rmsprop';
export { Adagrad, adagrad, AdagradOptions } from './adagrad';
export { Adam, adam, AdamOptions, updateMoments } from './adam';
export { AdamW, adamw, AdamWOptions } from './adamw';
export { NAdam, nadam, NAdamOptions, MOMENTUM_SCHEDULE_DECAY, scheduledMomentum } from './nadam';
export {
  ALL_OPTIMIZER_NAMES, AnyOptimizerName, makeOptimizer, OPTIMIZER_NAMES, OptimizerName, OptimizerOptions,
} from './make-optimizer';
