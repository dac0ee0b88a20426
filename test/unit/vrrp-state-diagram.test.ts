import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { STATE_DIAGRAM_PATH, renderStateDiagram } from '../../scripts/gen-state-diagram.ts';
import { TRANSITIONS, VRRP_STATES } from '../../src/vrrp/transitions.ts';
import { Instance } from '../../src/vrrp/instance.ts';
import { millis } from '../../src/base/units.ts';
import { makeConfig, ofType } from '../lib/pair.ts';

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

test('no unreachable row: start-up with state MASTER waits out Master_Down like any backup (reason masterDown), so BACKUP -> MASTER has no startup row', () => {
  // The start-up wait became a full Master_Down_Interval (measured against keepalived
  // 2.2.7); nothing sets a pending takeover's reason to 'startup' any more.
  assert.deepEqual(TRANSITIONS.filter((t) => t.from === 'BACKUP' && t.to === 'MASTER').map((t) => t.reason).sort(),
    ['masterDown', 'preempt', 'priorityZero', 'syncGroup']);
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', initialState: 'MASTER' }));
  assert.deepEqual(ofType(i.handle({ type: 'start' }, millis(0)), 'transition').map((t) => t.reason), ['startup']);
  const md = i.deadline('masterDown')!;
  assert.equal(md, 3000 + ((256 - 100) * 1000) / 256);
  assert.deepEqual(ofType(i.handle({ type: 'timeout' }, md), 'transition').map((t) => `${t.from}>${t.to}:${t.reason}`), ['BACKUP>MASTER:masterDown']);
});
