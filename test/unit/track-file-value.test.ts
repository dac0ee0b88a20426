import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initFileText, parseTrackFileValue } from '../../src/track/file-value.ts';
import { fileContribution } from '../../src/vrrp/priority.ts';

test('values are parsed like strtol(base 0)', () => {
  const cases: [string, number | null][] = [
    ['5\n', 5], ['  -12 apples', -12], ['+7', 7], ['0x1f', 31], ['0X10', 16], ['010', 8], ['09', 0],
    ['0xg', 0], ['', 0], ['abc', 0], ['\t\n 42', 42], ['-0', 0],
    ['2147483648', 2147483648], ['2147483649', null], ['-2147483648', -2147483648], ['-2147483649', null],
    ['99999999999999999999999', null],
  ];
  for (const [text, want] of cases) assert.equal(parseTrackFileValue(text), want, JSON.stringify(text));
});

test('only the first 127 bytes are read', () => {
  assert.equal(parseTrackFileValue(' '.repeat(126) + '5'), 5);
  assert.equal(parseTrackFileValue(' '.repeat(127) + '5'), 0);
});

test('weight 0: non-zero faults; with reverse, zero faults', () => {
  assert.deepEqual(fileContribution(0, 0, false), { fault: false, delta: 0 });
  assert.deepEqual(fileContribution(3, 0, false), { fault: true });
  assert.deepEqual(fileContribution(-1, 0, false), { fault: true });
  assert.deepEqual(fileContribution(0, 0, true), { fault: true });
  assert.deepEqual(fileContribution(7, 0, true), { fault: false, delta: 0 });
});

test('weighted: value x weight is added; <= -254 faults; capped at 253; reverse negates', () => {
  assert.deepEqual(fileContribution(2, 10, false), { fault: false, delta: 20 });
  assert.deepEqual(fileContribution(-2, 10, false), { fault: false, delta: -20 });
  assert.deepEqual(fileContribution(2, 10, true), { fault: false, delta: -20 });
  assert.deepEqual(fileContribution(-253, 1, false), { fault: false, delta: -253 });
  assert.deepEqual(fileContribution(-254, 1, false), { fault: true });
  assert.deepEqual(fileContribution(-1, 254, false), { fault: true });
  assert.deepEqual(fileContribution(100, 254, false), { fault: false, delta: 253 });
  assert.deepEqual(fileContribution(0, -5, false), { fault: false, delta: 0 });
});

test('init_file writes the value and a newline', () => {
  assert.equal(initFileText(-3), '-3\n');
});
