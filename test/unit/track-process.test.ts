import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { hasQuorum, paramsMatch, processMatches, type ProcessSpec } from '../../src/track/process-match.ts';
import { ProcessTracker, countProcesses } from '../../src/track/process-tracker.ts';
import { waitFor } from './track-helpers.ts';

const spec = (over: Partial<ProcessSpec>): ProcessSpec => ({ name: 'haproxy', params: [], paramMatch: 'none', fullCommand: false, quorum: 1, quorumMax: 65535, ...over });

test('names match comm exactly; parameters switch to the command line', () => {
  const p = { comm: 'haproxy', argv: ['/usr/sbin/haproxy', '-f', '/etc/haproxy/haproxy.cfg'], zombie: false };
  assert.equal(processMatches(spec({}), p), true);
  assert.equal(processMatches(spec({ name: 'hapro' }), p), false);
  assert.equal(processMatches(spec({}), { ...p, zombie: true }), false);
  assert.equal(processMatches(spec({ name: '/usr/sbin/haproxy', fullCommand: true }), p), true);
  assert.equal(processMatches(spec({ name: '/usr/sbin/haproxy', params: ['-f', '/etc/haproxy/haproxy.cfg'] }), p), true);
  assert.equal(processMatches(spec({ name: '/usr/sbin/haproxy', params: ['-f'] }), p), false, 'exact by default');
  assert.equal(processMatches(spec({ name: '/usr/sbin/haproxy', params: ['-f'], paramMatch: 'partial' }), p), true);
  assert.equal(processMatches(spec({ name: '/usr/sbin/haproxy', params: ['-f', '/etc/hap'], paramMatch: 'initial' }), p), true);
  assert.equal(processMatches(spec({ name: '/usr/sbin/haproxy', params: ['-f', '/etc/hap'], paramMatch: 'partial' }), p), false);
  assert.equal(processMatches(spec({ name: '/usr/sbin/haproxy', paramMatch: 'exact' }), p), false, 'param_match with no params: no params allowed');
  assert.equal(paramsMatch('initial', ['-'], ['-x']), true);
});

test('quorum bounds', () => {
  const s = spec({ quorum: 2, quorumMax: 3 });
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => hasQuorum(s, n)), [false, false, true, true, false]);
});

test('real processes: quorum gained after fork_delay, lost after terminate_delay', async () => {
  const tag = `4${process.pid}`; // a sleep length no one else uses
  const s = spec({ name: 'sleep', params: [tag], quorum: 2 });
  const changes: { up: boolean; atMs: number }[] = [];
  const kids: ChildProcess[] = [];
  const t = new ProcessTracker([{ id: 'process:sleepers', spec: s, forkDelayMs: 100, terminateDelayMs: 200 }], 30, (c) => changes.push({ up: c.up, atMs: performance.now() }));
  try {
    t.start();
    assert.deepEqual(changes.map((c) => c.up), [false], 'initial state reported at once');
    kids.push(spawn('sleep', [tag], { stdio: 'ignore' }), spawn('sleep', [tag], { stdio: 'ignore' }));
    await waitFor('both counted', () => countProcesses([s])[0] === 2, 3000);
    const seen = performance.now();
    await waitFor('up', () => changes.length === 2, 3000);
    assert.equal(changes[1]!.up, true);
    assert.ok(changes[1]!.atMs - seen >= 60, `up after ${changes[1]!.atMs - seen} ms, fork_delay 100`);
    kids[0]!.kill('SIGKILL');
    await new Promise((r) => kids[0]!.once('exit', r));
    const lost = performance.now();
    await waitFor('down', () => changes.length === 3, 3000);
    assert.equal(changes[2]!.up, false);
    assert.ok(changes[2]!.atMs - lost >= 150, `down after ${changes[2]!.atMs - lost} ms, terminate_delay 200`);
    assert.equal(t.count('process:sleepers'), 1);
  } finally {
    t.stop();
    for (const k of kids) k.kill('SIGKILL');
  }
});
