// The daemon watches its own timers: one that fires later than a quarter of
// the advert interval is how a Node daemon causes false takeovers, so it is
// logged with the event-loop delay. Freezing the process (SIGSTOP) for
// 800 ms at advert_int 0.5 must produce that warning (some advert deadline
// falls at least 300 ms before the thaw); running normally, none
// (advert_int 0.5 puts the threshold at 125 ms, far above what a loaded CI
// machine delays a timer, so the control cannot fail for the machine's sake).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LATE = /VRRP timer fired ([\d.]+) ms late \(over a quarter of the 500 ms advert interval\); event-loop delay p99 [\d.?]+ ms, max [\d.?]+ ms/;

test('a timer fired late (process frozen 800 ms) is logged with the event-loop delay; none while running normally', async () => {
  const v = createVrrpLab('lt', 1, 85);
  try {
    const r1 = v.start('r1', config('r1', [{ priority: 150, version: 3, advertInt: '0.5', vips: ['10.85.0.100/24'] }]));
    await r1.waitForLine(/\(VI_1\) Entering MASTER STATE/, 10_000);
    await sleep(2000); // 4 adverts, on time
    assert.equal(r1.lines.some((l) => LATE.test(l.text)), false, r1.log());
    const mark = r1.lines.length;
    r1.signal('SIGSTOP');
    await sleep(800);
    r1.signal('SIGCONT');
    const line = await r1.waitForLine(LATE, 5000, mark);
    const lateMs = Number(LATE.exec(line.text)![1]);
    assert.ok(lateMs >= 300 && lateMs < 2000, `reported ${lateMs} ms late`);
  } finally {
    v.cleanup();
  }
});
