// Every drop line is rate-limited: a burst of VRRPv2 adverts at a VRRPv3
// instance (the core's "wrong version" drop) is counted packet by packet but
// logged at most once per 10 s, like the codec's drops. The sends are paced
// 5 ms apart (about 1.2 s for the burst); keepalived logs one line per packet,
// and so did vipkeeper before (200 lines, seen failing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';
import { waitFor } from '../lib/lab.ts';
import { encodeAdvert } from '../../src/vrrp/packet.ts';
import { centis } from '../../src/base/units.ts';
import { spawnFixture } from './fixtures/child.ts';

const BURST = 200;

test('200 v2 adverts within 2 s at a v3 instance: every one counted, at most one "wrong version" line logged', async () => {
  const v = createVrrpLab('dl', 1, 136);
  try {
    const vip = '10.136.0.100';
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: [`${vip}/24`], version: 3 }]));
    await r1.waitForLine(/\(VI_1\) Entering MASTER STATE/);
    const src = '10.136.0.200';
    const payload = Buffer.from(encodeAdvert({
      version: 2, family: 4, vrid: 51, priority: 200, advertIntervalCs: centis(100),
      addresses: [vip], authType: 0, authData: '',
    }, { src, dst: '224.0.0.18' })).toString('hex');
    const sends = Array.from({ length: BURST }, () => ({ family: 4, src, payload, gapMs: 5 }));
    const mark = r1.lines.length;
    const t0 = performance.now();
    const sender = spawnFixture(v.lab, 'client', 'vrrp-send.ts', ['eth0', JSON.stringify(sends)]);
    assert.equal(await sender.exited(20_000), 0, sender.stderr());
    const took = performance.now() - t0; // includes the sender's start-up
    assert.equal((sender.lines[0] as { results: Array<{ ok: boolean }> }).results.filter((r) => r.ok).length, BURST);

    r1.signal('SIGUSR2');
    const statsFile = join(r1.dir, 'keepalived.stats');
    const drops = await waitFor('every advert counted', () => {
      try {
        const d = (JSON.parse(readFileSync(statsFile, 'utf8')) as { drops: Record<string, number> }).drops;
        return (d['VI_1|versionMismatch'] ?? 0) >= BURST ? d : undefined;
      } catch { return undefined; }
    }, 8000, 100);
    assert.equal(drops['VI_1|versionMismatch'], BURST, JSON.stringify(drops));
    const lines = r1.lines.slice(mark).map((l) => l.text).filter((t) => /wrong version/.test(t));
    assert.ok(lines.length >= 1, 'the first drop is logged');
    assert.ok(lines.length <= 1, `${lines.length} "wrong version" lines for ${BURST} adverts in ${(took / 1000).toFixed(1)} s:\n${lines.slice(0, 5).join('\n')}`);
    assert.match(lines[0]!, /\(VI_1\) wrong version\. Received 2 and expect 3/);
    assert.equal(r1.state(), 'MASTER');
  } finally {
    v.cleanup();
  }
});
