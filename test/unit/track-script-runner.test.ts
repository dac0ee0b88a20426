import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { millis, type Millis } from '../../src/base/units.ts';
import { Limiter } from '../../src/track/limiter.ts';
import { ScriptRunner, type ScriptCheck, type ScriptResult, type TrackerChange } from '../../src/track/script-runner.ts';
import { processGone, ROOT_IDS, waitFor, withTmpDir, writeScript } from './track-helpers.ts';

const now = (): Millis => millis(performance.now());

function harness(limiter = new Limiter(4, 16)) {
  const changes: (TrackerChange & { atMs: number })[] = [];
  const results: ScriptResult[] = [];
  const skips: string[] = [];
  const runner = new ScriptRunner({
    now, limiter,
    onChange: (c) => changes.push({ ...c, atMs: performance.now() }),
    onResult: (r) => results.push(r),
    onSkip: (id, why) => skips.push(`${id}:${why}`),
  });
  return { runner, changes, results, skips };
}

const check = (id: string, argv: string[], extra: Partial<ScriptCheck> = {}): ScriptCheck => ({
  // A generous timeout: on this shared 2-core machine a spawn can take > 100 ms.
  id, argv, ids: ROOT_IDS, intervalMs: millis(100), timeoutMs: millis(3000), hysteresis: { rise: 1, fall: 1, initFail: false }, ...extra,
});

test('exit 0 reports up, a non-zero exit reports down', () => withTmpDir('sr', async (dir) => {
  const h = harness();
  h.runner.add(check('script:ok', [writeScript(dir, 'ok.sh', 'exit 0')]));
  h.runner.add(check('script:bad', [writeScript(dir, 'bad.sh', 'exit 3')]));
  h.runner.start();
  try {
    await waitFor('both first results', () => h.changes.length >= 2, 3000);
    assert.deepEqual(h.changes.map(({ id, up }) => ({ id, up })).sort((a, b) => a.id.localeCompare(b.id)),
      [{ id: 'script:bad', up: false }, { id: 'script:ok', up: true }]);
    await waitFor('a few more runs', () => h.results.length >= 8, 3000);
    assert.equal(h.changes.length, 2, 'steady results report nothing more');
    assert.equal(h.runner.status('script:ok'), 'up');
    const bad = h.results.find((r) => r.id === 'script:bad')!;
    assert.deepEqual(bad.outcome, { kind: 'exit', code: 3 });
  } finally {
    await h.runner.stop();
  }
}));

test('a missing script counts as a failure: the launcher reports the failed exec, nothing runs', () => withTmpDir('sr', async (dir) => {
  const h = harness();
  h.runner.add(check('script:missing', [join(dir, 'nope.sh')]));
  h.runner.start();
  try {
    await waitFor('a result', () => h.changes.length >= 1, 3000);
    assert.deepEqual(h.changes.map((c) => c.up), [false]);
    assert.deepEqual(h.results[0]!.outcome, { kind: 'refused', step: 'exec', errno: 2 });
  } finally {
    await h.runner.stop();
  }
}));

test('timeout kills the whole process group, grandchild included, and reports down within timeout + margin', () => withTmpDir('sr', async (dir) => {
  const gcFile = join(dir, 'gc.pid');
  const script = writeScript(dir, 'hang.sh', `sleep 30 &\necho $! > ${gcFile}\nsleep 30`);
  const h = harness();
  const timeoutMs = 300;
  const t0 = performance.now();
  h.runner.add(check('script:hang', [script], { intervalMs: millis(10_000), timeoutMs: millis(timeoutMs) }));
  h.runner.start();
  try {
    await waitFor('the down report', () => h.changes.length >= 1, timeoutMs + 2000);
    const elapsed = h.changes[0]!.atMs - t0;
    assert.equal(h.changes[0]!.up, false);
    assert.equal(h.results[0]!.outcome.kind, 'timeout');
    assert.ok(elapsed >= timeoutMs - 5, `reported after ${elapsed} ms, before the timeout`);
    assert.ok(elapsed < timeoutMs + 400, `reported after ${elapsed} ms`);
    const gc = Number(readFileSync(gcFile, 'utf8'));
    assert.ok(gc > 0);
    await waitFor(`grandchild ${gc} to die`, () => processGone(gc), 2000);
  } finally {
    await h.runner.stop();
  }
}));

test('rise/fall with a real script: fall failures in a row report down, rise successes report up', () => withTmpDir('sr', async (dir) => {
  const rcFile = join(dir, 'rc');
  writeFileSync(rcFile, '0');
  const h = harness();
  h.runner.add(check('script:rc', [writeScript(dir, 'rc.sh', `exit $(cat ${rcFile})`)], { intervalMs: millis(60), timeoutMs: millis(2000), hysteresis: { rise: 3, fall: 2, initFail: false } }));
  h.runner.start();
  try {
    await waitFor('first up', () => h.changes.length === 1, 3000);
    assert.equal(h.changes[0]!.up, true, 'an unknown script goes up on its first success: ' + JSON.stringify(h.results));
    writeFileSync(rcFile, '1');
    await waitFor('down', () => h.changes.length === 2, 3000);
    const failuresBeforeDown = h.results.filter((r) => !r.success).length;
    assert.equal(failuresBeforeDown, 2);
    assert.equal(h.changes[1]!.up, false);
    const before = h.results.length;
    writeFileSync(rcFile, '0');
    await waitFor('up again', () => h.changes.length === 3, 3000);
    const successesSince = h.results.slice(before).filter((r) => r.success).length;
    assert.equal(successesSince, 3);
    assert.equal(h.changes[2]!.up, true);
  } finally {
    await h.runner.stop();
  }
}));

test('a slow script is skipped, never overlapped, and scripts share the concurrency bound', () => withTmpDir('sr', async (dir) => {
  const lock = join(dir, 'lock');
  // mkdir is atomic: a second copy running at the same time exits 9.
  const body = `mkdir ${lock} 2>/dev/null || exit 9\nsleep 0.15\nrmdir ${lock}\nexit 0`;
  const h = harness(new Limiter(1, 8));
  for (const n of ['a', 'b', 'c']) h.runner.add(check(`script:${n}`, [writeScript(dir, `${n}.sh`, body)], { intervalMs: millis(50), timeoutMs: millis(2000) }));
  h.runner.start();
  try {
    await waitFor('nine results', () => h.results.length >= 9, 6000);
    assert.deepEqual(h.results.filter((r) => !r.success).map((r) => r.outcome), [], 'no two copies ran at once');
    assert.ok(h.skips.some((s) => s.endsWith(':running')), `skips: ${h.skips.join(',')}`);
    assert.deepEqual(h.changes.map((c) => c.up), [true, true, true]);
  } finally {
    await h.runner.stop();
  }
}));

test('timeout 0 means the interval, as in keepalived', () => withTmpDir('sr', async (dir) => {
  const h = harness();
  const t0 = performance.now();
  h.runner.add(check('script:slow', [writeScript(dir, 'slow.sh', 'sleep 30')], { intervalMs: millis(400), timeoutMs: millis(0) }));
  h.runner.start();
  try {
    await waitFor('the first result', () => h.results.length >= 1, 3000);
    assert.equal(h.results[0]!.outcome.kind, 'timeout');
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 395 && elapsed < 1200, `timed out after ${elapsed} ms`);
  } finally {
    await h.runner.stop();
  }
}));
