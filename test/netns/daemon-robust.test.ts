// Bad packets are dropped, counted and never crash the daemon: a burst of
// malformed VRRP (random bytes, truncated, bad checksum, bad version, TTL 64,
// unknown VRID) at a MASTER leaves it MASTER, and the SIGUSR2 stats count the drops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';
import { REPO } from '../lib/daemon-proc.ts';
import { waitFor } from '../lib/lab.ts';

test('a burst of malformed adverts is dropped and counted; the master stays MASTER and keeps its VIP', async () => {
  const v = createVrrpLab('rb', 1, 90);
  try {
    const vip = '10.90.0.100';
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: [`${vip}/24`], version: 3 }]));
    await r1.waitForLine(/\(VI_1\) Entering MASTER STATE/);
    await v.waitVip('r1', vip);
    const sent = v.lab.exec('client', ['python3', join(REPO, 'test/netns/fixtures/vrrp-garbage.py'), '3000', '7', '10.90.0.200'], 30_000);
    assert.match(sent, /sent 3000/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(r1.child.exitCode, null, `the daemon must survive:\n${r1.log()}`);
    assert.equal(v.hasVip('r1', vip), true);
    r1.signal('SIGUSR2');
    const statsFile = join(r1.dir, 'keepalived.stats');
    const stats = await waitFor('stats dump', () => {
      try { return JSON.parse(readFileSync(statsFile, 'utf8')) as { drops: Record<string, number>; instances: Array<{ state: string }> }; } catch { return undefined; }
    }, 5000);
    const count = (suffix: string) => Object.entries(stats.drops).filter(([k]) => k.endsWith(`|${suffix}`)).reduce((n, [, c]) => n + c, 0);
    assert.equal(stats.instances[0]!.state, 'MASTER');
    // 500 of each structured kind; the 500 random ones land anywhere in the codec's reasons.
    const atLeast = (reason: string, n: number) => assert.ok(count(reason) >= n, `${reason}: drops ${JSON.stringify(stats.drops)}`);
    atLeast('tooShort', 500);
    atLeast('badChecksum', 500);
    atLeast('badVersion', 500);
    assert.equal(count('ttlNot255'), 500, `drops: ${JSON.stringify(stats.drops)}`);
    assert.equal(count('unknownVrid'), 500, `drops: ${JSON.stringify(stats.drops)}`);
    const total = Object.values(stats.drops).reduce((a, b) => a + b, 0);
    assert.equal(total, 3000, `every malformed packet is counted exactly once: ${JSON.stringify(stats.drops)}`);
    assert.equal(r1.lines.some((l) => /Entering (BACKUP|FAULT)/.test(l.text) && r1.lines.indexOf(l) > 3), false, r1.log());
  } finally {
    v.cleanup();
  }
});

test('signals during start-up neither kill the daemon nor open the inspector; SIGTERM then stops it cleanly', async () => {
  const v = createVrrpLab('sg', 1, 101);
  try {
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: ['10.101.0.100/24'], version: 3 }]));
    await r1.waitForLine(/Starting VRRP child process/, 10_000);
    r1.signal('SIGUSR1'); // Node's default would open the inspector on 127.0.0.1:9229
    r1.signal('SIGHUP'); // and these would kill it
    r1.signal('SIGUSR2');
    await r1.waitForLine(/\(VI_1\) Entering MASTER STATE/, 10_000);
    assert.equal(r1.child.exitCode, null);
    assert.equal(r1.lines.some((l) => /Debugger listening/.test(l.text)), false, r1.log());
    assert.equal(v.lab.tryExec('r1', ['sh', '-c', 'ss -ltn | grep -q :9229']).status !== 0, true, 'nothing listens on 9229');
    await r1.waitForLine(/Reloading/, 5000); // the queued SIGHUP was handled once the daemon ran
    r1.signal('SIGTERM');
    assert.equal(await r1.exited(3000), 0);
  } finally {
    v.cleanup();
  }
});

