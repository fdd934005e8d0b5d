/**
 * What the seven Descent Lab optimizers have in common, so that each of their
 * files holds only its update rule.
 *
 * The state is explicit, as in optax: every model variable owns one slot
 * variable per name in `slotNames` (Adam's `m` and `v`, say), created on the
 * first step that sees it and found again by the variable's name. Each step
 * runs in one `tf.tidy`: the subclass first turns the hyperparameters and the
 * step count into scalars (`stepCoefficients`, once per step, in float64 on the
 * JavaScript side, so no `dataSync` is ever needed), then updates each variable
 * in place with `assign` (`updateVariable`). Scalars for hyperparameters that
 * never change are made once and kept (`constant`); the learning rate is read
 * at every step, so a schedule can change it between epochs.
 *
 * Where the backend has a fused kernel for the rule (wasm, after
 * `installFastKernels()`), a subclass's `fusedUpdate` takes over instead: one
 * kernel per variable computes the new variable and slots from plain numbers,
 * and the base class assigns them. That is the same arithmetic (bit for bit:
 * the kernels do the same float32 operations in the same order) in one pass
 * over memory instead of 4 to 14 tf ops, each a trip through the engine.
 */
import * as tf from '@tensorflow/tfjs';
import { l2GradientAndSquares } from '../kernels/l2-gradient';
import { checkHyperparameter } from './hyperparameters';
import { DecayRate } from './parts';

/** A tensor with the name of the variable it belongs to (tfjs-core's type, which tfjs does not re-export). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/**
 * The package part of every Descent Lab optimizer's `className` (`'DescentLab>Adam'`).
 * It keeps them from replacing TensorFlow.js's own `'Adam'`, `'SGD'`, ... in the
 * serialization registry, which is keyed by class name.
 */
export const CLASS_NAME_PREFIX = 'DescentLab>';

/** Registers an optimizer class with `tf.serialization` under its `className`. */
export function registerOptimizer(cls: tf.serialization.SerializableConstructor<DescentOptimizer>): void {
  tf.serialization.registerClass(cls, CLASS_NAME_PREFIX.slice(0, -1), cls.className.slice(CLASS_NAME_PREFIX.length));
}

/**
 * One variable's update as a single kernel: the new values of the variable and
 * of its slots (variable first, then the slots in `slotNames` order), as new
 * tensors that the caller assigns and disposes.
 */
export type FusedUpdate = ((variable: tf.Tensor, gradient: tf.Tensor, slots: tf.Tensor[]) => tf.Tensor[]) & {
  /**
   * The same update with an L2 penalty `l2 * sum(w^2)` folded in (its gradient added to
   * `gradient` in the kernel), also giving sum(w^2) before the step; absent where the
   * kernel cannot fold it, and the penalty's gradient is then added beforehand.
   */
  withL2?: (variable: tf.Tensor, gradient: tf.Tensor, slots: tf.Tensor[], l2: number) => { values: tf.Tensor[]; squares: tf.Scalar };
};

/**
 * Base class of the Descent Lab optimizers. `Step` is whatever a subclass
 * computes once per step and hands to `updateVariable` (a bag of scalars).
 */
export abstract class DescentOptimizer<Step = unknown> extends tf.Optimizer {
  private learningRate_: number;
  private learningRateScalar: tf.Scalar | undefined;
  private readonly constants = new Map<number, tf.Scalar>();
  private readonly slots = new Map<string, tf.Variable[]>();

  /**
   * @param label The optimizer's name as the course writes it: `'Adam'`, `'NAdam'`, ...
   * @param learningRate The step size eta, checked to be positive.
   * @param slotNames The names of the per-variable slots (`['m', 'v']`), in the
   *   order `updateVariable` receives them.
   */
  protected constructor(
    readonly label: string,
    learningRate: number,
    protected readonly slotNames: readonly string[] = [],
  ) {
    super();
    this.learningRate_ = checkHyperparameter(label, 'learningRate', learningRate, 'positive');
  }

  /** The step size eta. Setting it takes effect at the next step. */
  get learningRate(): number {
    return this.learningRate_;
  }

  set learningRate(value: number) {
    this.learningRate_ = checkHyperparameter(this.label, 'learningRate', value, 'positive');
    this.learningRateScalar?.dispose();
    this.learningRateScalar = undefined;
  }

  /** Same as `optimizer.learningRate = value`, for call sites that prefer a method. */
  setLearningRate(value: number): void {
    this.learningRate = value;
  }

  /**
   * Computes, once per step, what every variable's update needs (scalars).
   * Runs inside the step's `tf.tidy`.
   *
   * @param step T in the update rules: 1 on the first step.
   */
  protected abstract stepCoefficients(step: number): Step;

  /**
   * Updates one variable and its slots in place (with `assign`). Runs inside
   * the step's `tf.tidy`, so intermediate tensors need no disposing.
   */
  protected abstract updateVariable(
    variable: tf.Variable, gradient: tf.Tensor, slots: tf.Variable[], step: Step): void;

  /**
   * This step's update as one fused kernel per variable, or `undefined` (the
   * default) when the active backend has none, so that `stepCoefficients` and
   * `updateVariable` do it with tf ops. An override must compute exactly what
   * `updateVariable` computes, and is called once per step, like
   * `stepCoefficients`, inside the step's `tf.tidy`.
   *
   * @param step T in the update rules: 1 on the first step.
   */
  protected fusedUpdate(_step: number): FusedUpdate | undefined {
    return undefined;
  }

  /** The value a slot starts from (0 unless a subclass says otherwise). */
  protected initialSlotValue(_slotName: string): number {
    return 0;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const gradients = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    tf.dispose(Object.values(this.applyStep(gradients, {})));
  }

  /**
   * Applies `gradients` of a loss that also has L2 penalties `l2[name] * sum(w^2)` whose
   * gradients `gradients` leave out: each penalty's gradient is added (inside the update
   * kernel where the optimizer has one that folds it, else beforehand, as `l2Gradient` adds
   * it). Returns sum(w^2) of each penalized variable before the step, for the loss.
   */
  applyGradientsWithL2(gradients: tf.NamedTensorMap, l2: Record<string, number>): Record<string, number> {
    const squares = this.applyStep(Object.entries(gradients).map(([name, tensor]) => ({ name, tensor })), l2);
    const values = Object.fromEntries(Object.entries(squares).map(([name, sum]) => [name, sum.dataSync()[0]]));
    tf.dispose(Object.values(squares));
    return values;
  }

  /** One step over every variable with a gradient; the sums of squares of the penalized ones, kept. */
  private applyStep(gradients: NamedTensor[], l2: Record<string, number>): Record<string, tf.Scalar> {
    const step = this.iterations + 1;
    const squares: Record<string, tf.Scalar> = {};
    tf.tidy(() => {
      const { update, fused } = this.variableUpdate(step);
      for (const { name, tensor: gradient } of gradients) {
        if (gradient == null) continue; // a variable the loss does not depend on
        const variable = tf.engine().registeredVariables[name];
        if (variable == null) {
          throw new Error(`${this.label}: got a gradient for "${name}", but no variable of that name exists.`);
        }
        const slots = this.slotsOf(name, variable.shape);
        const factor = l2[name] ?? 0;
        if (factor > 0 && fused?.withL2) {
          const { values, squares: sum } = fused.withL2(variable, gradient, slots, factor);
          [variable, ...slots].forEach((target, i) => target.assign(values[i]));
          tf.dispose(values);
          squares[name] = tf.keep(sum);
        } else if (factor > 0) {
          const [penalized, sum] = l2GradientAndSquares(gradient, variable, factor);
          squares[name] = tf.keep(sum);
          update(variable, penalized, slots);
        } else {
          update(variable, gradient, slots);
        }
      }
    });
    this.incrementIterations();
    return squares;
  }

  /** How this step updates one variable and its slots in place: fused where possible, else with tf ops. */
  private variableUpdate(step: number): {
    update: (variable: tf.Variable, gradient: tf.Tensor, slots: tf.Variable[]) => void; fused?: FusedUpdate;
  } {
    const fused = this.fusedUpdate(step);
    if (fused) {
      return {
        fused,
        update: (variable, gradient, slots) => {
          const values = fused(variable, gradient, slots);
          // assign takes over the new tensor's memory (no copy); the variable keeps it alive.
          [variable, ...slots].forEach((target, i) => target.assign(values[i]));
          tf.dispose(values);
        },
      };
    }
    const coefficients = this.stepCoefficients(step);
    return { update: (variable, gradient, slots) => this.updateVariable(variable, gradient, slots, coefficients) };
  }

  /** The learning rate as a scalar tensor, made again only after it changes. */
  protected learningRateTensor(): tf.Scalar {
    if (this.learningRateScalar == null) {
      this.learningRateScalar = tf.keep(tf.scalar(this.learningRate_));
    }
    return this.learningRateScalar;
  }

  /** A scalar for a value that stays fixed for the optimizer's life, made once. */
  protected constant(value: number): tf.Scalar {
    let scalar = this.constants.get(value);
    if (scalar == null) {
      scalar = tf.keep(tf.scalar(value));
      this.constants.set(value, scalar);
    }
    return scalar;
  }

  /** The scalars beta and 1 - beta of a fixed decay rate, made once. */
  protected decayRate(beta: number): DecayRate {
    return { rate: this.constant(beta), complement: this.constant(1 - beta) };
  }

  private slotsOf(name: string, shape: number[]): tf.Variable[] {
    let slots = this.slots.get(name);
    if (slots == null) {
      slots = this.slotNames.map((slotName) =>
        tf.tidy(() => tf.fill(shape, this.initialSlotValue(slotName)).variable(false)));
      this.slots.set(name, slots);
    }
    return slots;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const weights = [await this.saveIterations()];
    for (const [name, slots] of this.slots) {
      slots.forEach((slot, i) => weights.push({ name: `${name}/${this.slotNames[i]}`, tensor: slot }));
    }
    return weights;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const slotValues = await this.extractIterations(weightValues);
    for (const { name, tensor } of slotValues) {
      const cut = name.lastIndexOf('/');
      const index = this.slotNames.indexOf(name.slice(cut + 1));
      if (cut < 0 || index < 0) {
        throw new Error(`${this.label}: cannot set weight "${name}": its name must be ` +
          `"<variable name>/<slot>" with a slot among ${this.slotNames.join(', ')}.`);
      }
      this.slotsOf(name.slice(0, cut), tensor.shape)[index].assign(tensor);
    }
  }

  override dispose(): void {
    super.dispose();
    for (const slots of this.slots.values()) slots.forEach((slot) => slot.dispose());
    this.slots.clear();
    for (const scalar of this.constants.values()) scalar.dispose();
    this.constants.clear();
    this.learningRateScalar?.dispose();
    this.learningRateScalar = undefined;
  }

  /** Rebuilds an optimizer from `getConfig()`; used by `tf.serialization`. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config);
  }
}
