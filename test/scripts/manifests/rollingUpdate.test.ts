import assert from 'node:assert/strict';
import { test } from 'node:test';

import { resolveRollingUpdate, type IntOrPercent } from '../../../scripts/manifests/rollingUpdate.js';

/**
 * The rules, written out again here from the Kubernetes docs rather than taken from the module:
 * "maxSurge ... The absolute number is calculated from percentage by rounding up", "maxUnavailable ...
 * by rounding down", both default to 25%, and they can't both be 0 (ResolveFenceposts then makes
 * unavailable 1). https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge
 */
function expected(replicas: number, surge: IntOrPercent, unavailable: IntOrPercent) {
  const scale = (value: IntOrPercent, roundUp: boolean) => {
    if (typeof value === 'number') return value;
    const percent = Number(value.slice(0, -1));
    // Whole numbers only, so the rounding can't be fooled by floating point (3 × 25 = 75, 75 / 100).
    const product = percent * replicas;
    return roundUp ? Math.floor((product + 99) / 100) : Math.floor(product / 100);
  };
  const maxSurge = scale(surge, true);
  const maxUnavailable = scale(unavailable, false);
  return maxSurge === 0 && maxUnavailable === 0
    ? { maxSurge: 0, maxUnavailable: 1 }
    : { maxSurge, maxUnavailable };
}

const VALUES: IntOrPercent[] = ['25%', '10%', '50%', '100%', '0%', 0, 1, 2, 3];

test('the arithmetic matches the Kubernetes rules for replicas 1 to 10 and every strategy value', () => {
  let cases = 0;
  for (let replicas = 1; replicas <= 10; replicas++) {
    assert.deepEqual(
      resolveRollingUpdate(replicas),
      expected(replicas, '25%', '25%'),
      `defaults, ${replicas}`,
    );
    for (const surge of VALUES) {
      for (const unavailable of VALUES) {
        assert.deepEqual(
          resolveRollingUpdate(replicas, surge, unavailable),
          expected(replicas, surge, unavailable),
          `replicas ${replicas}, maxSurge ${surge}, maxUnavailable ${unavailable}`,
        );
        cases++;
      }
    }
  }
  assert.equal(cases, 10 * VALUES.length * VALUES.length);
});

// Hard-coded answers, so the table above can't agree with the module by sharing a mistake.
const KNOWN: Array<
  [
    replicas: number,
    surge: IntOrPercent,
    unavailable: IntOrPercent,
    maxSurge: number,
    maxUnavailable: number,
    source: string,
  ]
> = [
  [10, '25%', '25%', 3, 2, 'docs: 10 replicas with the defaults'],
  [3, '25%', '25%', 1, 0, '3 × 25% = 0.75: surge rounds up to 1, unavailable down to 0'],
  [1, '25%', '25%', 1, 0, '1 × 25%: surge 1, unavailable 0, not both 0 so it stays 0'],
  [4, '25%', '25%', 1, 1, 'exactly 1 each'],
  [8, '25%', '25%', 2, 2, 'TestResolveFenceposts-style: 8 replicas, 25% each'],
  [10, '39%', '39%', 4, 3, 'kubernetes TestResolveFenceposts: 39% of 10'],
  [0, '0%', '0%', 0, 1, 'kubernetes TestResolveFenceposts: both 0 → unavailable 1'],
  [10, '0%', '0%', 0, 1, 'both 0% → unavailable 1'],
  [10, 0, 0, 0, 1, 'both 0 → unavailable 1'],
  [3, 1, 0, 1, 0, 'this project: maxSurge 1, maxUnavailable 0'],
  [3, 0, 1, 0, 1, 'replace one at a time, no extra pod'],
  [1, '10%', '10%', 1, 0, '0.1 rounds up to 1 surge, down to 0 unavailable'],
  [9, '10%', '10%', 1, 0, '0.9 rounds up to 1 surge, down to 0 unavailable'],
  [10, '10%', '10%', 1, 1, 'exactly 1 each'],
  [3, '50%', '50%', 2, 1, '1.5 rounds up to 2, down to 1'],
  [5, '100%', '100%', 5, 5, '100%: the whole Deployment at once'],
  [7, 3, '0%', 3, 0, 'absolute surge, no unavailability'],
];

for (const [replicas, surge, unavailable, maxSurge, maxUnavailable, source] of KNOWN) {
  test(`${replicas} replicas with maxSurge ${surge} and maxUnavailable ${unavailable} give ${maxSurge}/${maxUnavailable} (${source})`, () => {
    assert.deepEqual(resolveRollingUpdate(replicas, surge, unavailable), { maxSurge, maxUnavailable });
  });
}

test('leaving both out means 25% each', () => {
  assert.deepEqual(resolveRollingUpdate(10), { maxSurge: 3, maxUnavailable: 2 });
  assert.deepEqual(resolveRollingUpdate(10, undefined, '0%'), { maxSurge: 3, maxUnavailable: 0 });
});

test('rejects values Kubernetes rejects: not a number or percentage, negative, fractional', () => {
  // "oops" and "urg" are kubernetes' own TestResolveFenceposts cases; "5" is a string without "%".
  for (const bad of [
    'abc',
    'oops',
    'urg',
    '5',
    '25',
    '%',
    '-25%',
    '2.5%',
    ' 25%',
    '25 %',
    -1,
    1.5,
    Number.NaN,
  ]) {
    assert.throws(() => resolveRollingUpdate(10, bad, '25%'), RangeError, `maxSurge ${String(bad)}`);
    assert.throws(() => resolveRollingUpdate(10, '25%', bad), RangeError, `maxUnavailable ${String(bad)}`);
  }
});
