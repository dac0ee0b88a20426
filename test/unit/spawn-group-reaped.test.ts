// killGroup after the child has been reaped must not signal anything: its
// process-group id is a PID the kernel may have given to an unrelated process
// (root could SIGTERM a stranger's group; NotifyFifo.close() calls killGroup
// at every stop and reload, however long ago its script exited).
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { runInGroup } from '../../src/track/spawn-group.ts';
import { ROOT_IDS } from './track-helpers.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (the launcher sets ids)' : false;

function groupSignals(calls: readonly { arguments: readonly unknown[] }[], pid: number): unknown[] {
  return calls.filter((c) => c.arguments[0] === -pid).map((c) => c.arguments[1]);
}

test('killGroup signals a running group', { skip }, async () => {
  const run = runInGroup({ argv: ['/bin/sleep', '5'], ids: ROOT_IDS, timeoutMs: 10_000 });
  const kill = mock.method(process, 'kill');
  try {
    run.killGroup('SIGTERM');
    assert.deepEqual(groupSignals(kill.mock.calls, run.pid!), ['SIGTERM']);
  } finally {
    kill.mock.restore();
  }
  assert.deepEqual(await run.done, { kind: 'signal', signal: 'SIGTERM' });
});

test('killGroup does nothing once the child has exited and been reaped', { skip }, async () => {
  const run = runInGroup({ argv: ['/bin/true'], ids: ROOT_IDS, timeoutMs: 10_000 });
  assert.deepEqual(await run.done, { kind: 'exit', code: 0 });
  const kill = mock.method(process, 'kill', () => true); // a call would not reach the kernel either way
  try {
    run.killGroup('SIGTERM');
    run.killGroup('SIGKILL');
    assert.deepEqual(groupSignals(kill.mock.calls, run.pid!), []);
  } finally {
    kill.mock.restore();
  }
});
