// The lab itself: hosts reach each other over the bridge, and cleanup removes
// every namespace it made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Lab } from '../lib/lab.ts';

const namespaces = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });

test('two hosts ping each other over IPv4 and IPv6, and cleanup removes the namespaces', () => {
  const lab = Lab.create([
    { name: 'a', ipv4: '10.201.0.1/24', ipv6: 'fd00:201::1/64' },
    { name: 'b', ipv4: '10.201.0.2/24', ipv6: 'fd00:201::2/64' },
  ]);
  try {
    assert.equal(lab.tryExec('a', ['ping', '-c', '1', '-W', '2', '10.201.0.2']).status, 0);
    assert.equal(lab.tryExec('b', ['ping', '-6', '-c', '1', '-W', '2', 'fd00:201::1']).status, 0);
    assert.match(namespaces(), new RegExp(`${lab.prefix}-a`));
  } finally {
    lab.cleanup();
  }
  assert.doesNotMatch(namespaces(), new RegExp(lab.prefix));
});
