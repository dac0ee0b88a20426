// One instance wired to the rest of the host: a virtual_routes entry, a
// virtual_rules entry and a virtual_ipaddress_excluded address follow MASTER
// (present) and BACKUP/stop (gone), checked with `ip route`, `ip rule` and
// `ip addr`; a weighted track_interface lowers the priority (on the wire too)
// so that a peer with a priority in between preempts, and gives it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab, type VrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';
import { waitFor } from '../lib/lab.ts';
import { Capture, vrrpAdvert } from '../lib/capture.ts';
import type { DaemonProc } from '../lib/daemon-proc.ts';

const VIP = '10.105.0.100';
const EVIP = '10.105.1.100';
const ROUTE = '10.105.5.0/24';
const GATEWAY = '10.105.0.254';
const RULE_FROM = '10.105.6.0';
const MASTER = /\(VI_1\) Entering MASTER STATE/;
const BACKUP = /\(VI_1\) Entering BACKUP STATE/;

const conf = (name: string, priority: number, extra: readonly string[] = []) => config(name, [{
  priority, vips: [`${VIP}/24`], version: 3,
  extra: [
    'virtual_ipaddress_excluded {', `  ${EVIP}/24`, '}',
    'virtual_routes {', `  ${ROUTE} via ${GATEWAY} dev eth0`, '}',
    'virtual_rules {', `  from ${RULE_FROM}/24 table 100`, '}',
    ...extra,
  ],
}]);

/** Which of the instance's route, rule and excluded address the host has now. */
function wiring(v: VrrpLab, host: string): { route: boolean; rule: boolean; evip: boolean } {
  const routes = JSON.parse(v.lab.exec(host, ['ip', '-j', 'route', 'show', ROUTE])) as Array<{ gateway?: string }>;
  const rules = JSON.parse(v.lab.exec(host, ['ip', '-j', 'rule', 'show'])) as Array<{ src?: string; srclen?: number; table?: string }>;
  return {
    route: routes.some((r) => r.gateway === GATEWAY),
    rule: rules.some((r) => r.src === RULE_FROM && r.srclen === 24 && r.table === '100'),
    evip: v.hasVip(host, EVIP),
  };
}

const ALL = { route: true, rule: true, evip: true };
const NONE = { route: false, rule: false, evip: false };

async function waitWiring(v: VrrpLab, host: string, want: typeof ALL, what: string): Promise<void> {
  let last = wiring(v, host);
  await waitFor(`${host}: ${what} ${JSON.stringify(want)}`, () => {
    last = wiring(v, host);
    return last.route === want.route && last.rule === want.rule && last.evip === want.evip;
  }, 5000).catch((e: Error) => { throw new Error(`${e.message}; have ${JSON.stringify(last)}`); });
}

async function settledBackup(p: DaemonProc, ms: number): Promise<void> {
  await waitFor('started', () => p.state() === 'BACKUP', 10_000);
  const mark = p.lines.length;
  await new Promise((r) => setTimeout(r, ms));
  assert.deepEqual(p.stateLines(mark), [], 'stays BACKUP');
}

test('routes, rules and an excluded address follow MASTER; a weighted track_interface hands over to a peer in between and back', async () => {
  const v = createVrrpLab('wi', 2, 105);
  let cap: Capture | null = null;
  try {
    // The tracked interface: a veth pair inside r1's namespace (no dummy
    // module on every machine); trk0 runs while both ends are up.
    v.lab.exec('r1', ['ip', 'link', 'add', 'trk0', 'type', 'veth', 'peer', 'name', 'trk1']);
    v.lab.exec('r1', ['ip', 'link', 'set', 'trk1', 'up']);
    v.lab.exec('r1', ['ip', 'link', 'set', 'trk0', 'up']);
    const r1 = v.start('r1', conf('r1', 150, ['track_interface {', '  trk0 weight -60', '}']));
    await waitFor('r1 MASTER', () => r1.state() === 'MASTER', 10_000);
    await waitWiring(v, 'r1', ALL, 'MASTER has route, rule, eVIP');
    const r2 = v.start('r2', conf('r2', 120)); // 150 - 60 = 90 < 120 < 150
    await settledBackup(r2, 600);
    assert.deepEqual(wiring(v, 'r2'), NONE, 'a BACKUP has none of them');

    cap = await Capture.start(v.lab, 'r2', 'ip proto 112');
    await new Promise((r) => setTimeout(r, 300));
    // Tracked interface down: r1 advertises 90, r2 (120) preempts.
    let m1 = r1.lines.length;
    let m2 = r2.lines.length;
    v.lab.exec('r1', ['ip', 'link', 'set', 'trk0', 'down']);
    await r1.waitForLine(/Changing effective priority from 150 to 90/, 5000, m1);
    await r2.waitForLine(MASTER, 5000, m2);
    await r1.waitForLine(BACKUP, 5000, m1);
    await waitWiring(v, 'r2', ALL, 'new MASTER has them');
    await waitWiring(v, 'r1', NONE, 'demoted r1 has none');
    assert.equal(v.hasVip('r1', VIP), false);

    // Back up: 150 again, r1 preempts and the wiring moves back.
    m1 = r1.lines.length;
    m2 = r2.lines.length;
    v.lab.exec('r1', ['ip', 'link', 'set', 'trk0', 'up']);
    await r1.waitForLine(/Changing effective priority from 90 to 150/, 5000, m1);
    await r1.waitForLine(MASTER, 5000, m1);
    await r2.waitForLine(BACKUP, 5000, m2);
    await waitWiring(v, 'r1', ALL, 'MASTER again');
    await waitWiring(v, 'r2', NONE, 'BACKUP again');
    await new Promise((r) => setTimeout(r, 300));

    // On the wire: r1 advertised 150, then 90, then 150; the excluded address is never in an advert.
    const adverts = (await cap.stop()).map((f) => vrrpAdvert(f.data)!);
    const r1Prios = adverts.filter((a) => a.src === '10.105.0.1').map((a) => a.priority);
    const runs = r1Prios.filter((p, i) => i === 0 || p !== r1Prios[i - 1]);
    assert.deepEqual(runs, [150, 90, 150], `r1's advertised priorities in order: ${JSON.stringify(runs)}`);
    assert.deepEqual([...new Set(adverts.map((a) => a.addrCount))], [1], 'adverts carry the VIP only');

    // Graceful stop removes them all; r2 takes over and adds them.
    r1.signal('SIGTERM');
    assert.equal(await r1.exited(3000), 0);
    assert.deepEqual(wiring(v, 'r1'), NONE, 'stopped: none left behind');
    await waitWiring(v, 'r2', ALL, 'after r1 stopped');
    r2.signal('SIGTERM');
    assert.equal(await r2.exited(3000), 0);
    assert.deepEqual(wiring(v, 'r2'), NONE, 'stopped: none left behind');
  } finally {
    cap?.dispose();
    v.cleanup();
  }
});
