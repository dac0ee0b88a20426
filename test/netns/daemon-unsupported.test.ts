// Keywords that parse but whose effect is not built are said at start-up in
// keepalived's "not supported" words, one line each, never silently dropped;
// the daemon still runs the instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';

test('unsupported effects warn once each at start-up; the instance still runs', async () => {
  const v = createVrrpLab('us', 1, 89);
  try {
    const r1 = v.start('r1', config('r1', [{
      priority: 150, version: 3, advertInt: '0.1', vips: ['10.89.0.100/24'],
      extra: ['promote_secondaries', 'track_src_ip', 'no_accept', 'unicast_fault_no_peer', 'smtp_alert'],
    }], ['max_auto_priority']));
    await r1.waitForLine(/\(VI_1\) Entering MASTER STATE/, 10_000);
    const warned = r1.lines.map((l) => l.text).filter((t) => t.includes('is not supported by this version - ignored'));
    for (const kw of ['max_auto_priority', '(VI_1) promote_secondaries', '(VI_1) track_src_ip', '(VI_1) no_accept', '(VI_1) unicast_fault_no_peer', '(VI_1) smtp_alert']) {
      assert.equal(warned.filter((t) => t.includes(kw)).length, 1, `one warning for ${kw}:\n${warned.join('\n')}`);
    }
    assert.equal(warned.length, 6, warned.join('\n'));
  } finally {
    v.cleanup();
  }
});
