import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { STATE_DIAGRAM_PATH, renderStateDiagram } from '../../scripts/gen-state-diagram.ts';
import { TRANSITIONS, VRRP_STATES } from '../../src/vrrp/transitions.ts';

test('docs/state-machine.md is generated from the transition table and is current', () => {
  const onDisk = readFileSync(STATE_DIAGRAM_PATH, 'utf8');
  assert.equal(onDisk, renderStateDiagram(), 'stale: run `node --import tsx scripts/gen-state-diagram.ts`');
});

test('the table has no duplicate rows, and every state but INIT is reachable', () => {
  const keys = TRANSITIONS.map((t) => `${t.from}>${t.to}>${t.reason}`);
  assert.equal(new Set(keys).size, keys.length);
  for (const s of VRRP_STATES) if (s !== 'INIT') assert.ok(TRANSITIONS.some((t) => t.to === s), `${s} unreachable`);
  assert.ok(!TRANSITIONS.some((t) => t.from === 'STOP'), 'STOP is final');
});
