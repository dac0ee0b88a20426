// unicast_peer's min_ttl / max_ttl through the daemon: r1 sends its unicast
// adverts with unicast_ttl 64; on r2, the instance whose peer entry demands
// min_ttl 250 drops them (and so takes over: it hears no master), while the
// instance whose range holds 64 stays BACKUP behind r1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { waitFor } from '../lib/lab.ts';
import { config, type InstanceOptions } from '../lib/conf.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('unicast_peer min_ttl/max_ttl: adverts outside the peer\'s TTL range are dropped, inside are heard', async () => {
  const v = createVrrpLab('ut', 2, 86);
  try {
    const inst = (name: string, vrid: number, priority: number, self: number, peer: string, extra: string[] = []): InstanceOptions => ({
      name, vrid, priority, version: 3, advertInt: '0.1', vips: [`10.86.${vrid}.100/24`], unicastSrc: `10.86.0.${self}`, unicastPeers: [peer], extra,
    });
    const r1 = v.start('r1', config('r1', [
      inst('VI_1', 51, 150, 1, '10.86.0.2', ['unicast_ttl 64']),
      inst('VI_2', 52, 150, 1, '10.86.0.2', ['unicast_ttl 64']),
    ]));
    await waitFor('r1 MASTER for both', () => r1.state('VI_1') === 'MASTER' && r1.state('VI_2') === 'MASTER', 10_000);
    const r2 = v.start('r2', config('r2', [
      inst('VI_1', 51, 100, 2, '10.86.0.1 min_ttl 250'),
      inst('VI_2', 52, 100, 2, '10.86.0.1 min_ttl 60 max_ttl 70'),
    ]));
    // VI_1 on r2 hears nothing it accepts: MASTER after its Master_Down_Interval (≈ 0.34 s).
    await waitFor('r2 VI_1 MASTER', () => r2.state('VI_1') === 'MASTER', 10_000);
    await r2.waitForLine(/invalid TTL\/HL from 10\.86\.0\.1: unicast TTL 64 from 10\.86\.0\.1 outside min_ttl 250 \.\. max_ttl 255/, 5000);
    // VI_2 on r2 accepts TTL 64 (60..70): BACKUP now, and for 20 advert intervals.
    assert.equal(r2.state('VI_2'), 'BACKUP', r2.log());
    const mark = r2.lines.length;
    await sleep(2000);
    assert.equal(r2.state('VI_2'), 'BACKUP', r2.log());
    assert.equal(r2.stateLines(mark).filter((l) => l.includes('(VI_2)')).length, 0, r2.log());
    assert.equal(v.hasVip('r2', '10.86.52.100'), false);
    assert.equal(v.hasVip('r2', '10.86.51.100'), true);
  } finally {
    v.cleanup();
  }
});
