import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expDecay, scheduleFromConfig, scheduleRates, stepDecay, timeBasedDecay } from '../lib/schedules';
import { formatPythonFloat } from '../lib/training/format';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) <= 1e-15, `${actual} != ${expected}`);

// The closed forms of exercises.md with eta0 = 0.01, at epochs 0, 9, 10 and 49.
const table = [
  // eta0 / (1 + 0.0002 t): 0.01/1.0018, 0.01/1.002, 0.01/1.0098
  { name: 'time-based', schedule: timeBasedDecay(), expected: [0.01, 0.01 / 1.0018, 0.01 / 1.002, 0.01 / 1.0098] },
  // eta0 * 0.5^floor(t/10): floors 0, 0, 1, 4
  { name: 'step', schedule: stepDecay(), expected: [0.01, 0.01, 0.005, 0.000625] },
  // eta0 * exp(-0.1 t)
  { name: 'exponential', schedule: expDecay(), expected: [0.01, 0.01 * Math.exp(-0.9), 0.01 * Math.exp(-1), 0.01 * Math.exp(-4.9)] },
];

for (const { name, schedule, expected } of table) {
  test(`${name} decay matches its closed form at epochs 0, 9, 10, 49`, () => {
    [0, 9, 10, 49].forEach((epoch, i) => close(schedule(epoch, 0.5), expected[i]));
  });
  test(`${name} decay round-trips through its config`, () => {
    const rebuilt = scheduleFromConfig(schedule.config);
    assert.deepEqual(scheduleRates(rebuilt), scheduleRates(schedule));
  });
}

test('schedules have the course defaults', () => {
  assert.deepEqual(timeBasedDecay().config, { kind: 'time', initialLearningRate: 0.01, decay: 0.0002 });
  assert.deepEqual(stepDecay().config, { kind: 'step', initialLearningRate: 0.01, dropRate: 0.5, epochsDrop: 10 });
  assert.deepEqual(expDecay().config, { kind: 'exp', initialLearningRate: 0.01, k: 0.1 });
});

test('scheduleRates lists one rate per epoch', () => {
  const rates = scheduleRates(stepDecay(), 50);
  assert.equal(rates.length, 50);
  assert.equal(rates[49], 0.000625);
});

test('invalid schedule parameters throw errors that name them', () => {
  assert.throws(() => timeBasedDecay({ initialLearningRate: -0.01 }), /initialLearningRate must be a finite number greater than 0, got -0.01/);
  assert.throws(() => stepDecay({ dropRate: 1.5 }), /dropRate must be a number in \[0, 1\), got 1.5/);
  assert.throws(() => stepDecay({ epochsDrop: 0 }), /epochsDrop must be an integer >= 1, got 0/);
  assert.throws(() => expDecay({ k: Number.NaN }), /k must be a finite number/);
  assert.throws(() => stepDecay()(-1, 0.01), /epoch must be an integer >= 0/);
  assert.throws(() => scheduleFromConfig({ kind: 'cosine' } as never), /Unknown schedule kind "cosine"/);
});

test('rates print as Python prints floats, as in Keras logs', () => {
  assert.equal(formatPythonFloat(0.000625), '0.000625');
  assert.equal(formatPythonFloat(0.01), '0.01');
  assert.equal(formatPythonFloat(7.446583070924338e-5), '7.446583070924338e-05');
  assert.equal(formatPythonFloat(1e-5), '1e-05');
  assert.equal(formatPythonFloat(1), '1.0');
});
