// The simulator's own parts: if these are wrong, every verdict it gives is.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Prng } from './prng.ts';
import { EventQueue } from './queue.ts';
import { NodeClock } from './clock.ts';
import { Lan, CLEAN_PATH, components, pathMaxDelayMs } from './lan.ts';
import { Trace } from './trace.ts';
import { SimHost } from './host.ts';
import { expectedPriority } from './expect.ts';
import { instanceConfig } from './config.ts';

describe('Prng', () => {
  it('replays exactly from its seed and differs across seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const xs = Array.from({ length: 100 }, () => a.u32());
    assert.deepEqual(xs, Array.from({ length: 100 }, () => b.u32()));
    assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.u32()));
  });
  it('int stays in range and hits both ends; float is in [0, 1)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 20 }), (seed, lo, span) => {
      const p = new Prng(seed);
      for (let i = 0; i < 50; i++) {
        const x = p.int(lo, lo + span);
        assert.ok(Number.isInteger(x) && x >= lo && x <= lo + span);
        const f = p.float();
        assert.ok(f >= 0 && f < 1);
      }
    }));
    const p = new Prng(7);
    const seen = new Set(Array.from({ length: 200 }, () => p.int(1, 3)));
    assert.deepEqual([...seen].sort(), [1, 2, 3]);
  });
  it('exponential has roughly the asked-for mean', () => {
    const p = new Prng(9);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += p.exponential(10);
    assert.ok(Math.abs(sum / 20_000 - 10) < 0.5, `mean ${sum / 20_000}`);
  });
});

describe('EventQueue', () => {
  it('pops in (time, insertion) order', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 200 }), (times) => {
      const q = new EventQueue<number>();
      times.forEach((t, i) => q.push(t, i));
      const out: number[] = [];
      for (let e = q.pop(); e; e = q.pop()) out.push(e.item);
      const expected = times.map((t, i) => [t, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map((x) => x[1]);
      assert.deepEqual(out, expected);
    }));
  });
});

describe('NodeClock', () => {
  it('globalAt is the first global ms at which the local clock reaches a reading', () => {
    fc.assert(fc.property(fc.double({ min: 0.995, max: 1.005, noNaN: true }), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e7 }), (rate, offset, g) => {
      const c = new NodeClock(rate, offset);
      const target = c.local(g) + 1234;
      const at = c.globalAt(target);
      assert.ok(c.local(at) >= target);
      assert.ok(at === 0 || c.local(at - 1) < target);
    }));
  });
  it('refuses drift beyond ±0.5 % and keeps the wall clock apart from the monotonic one', () => {
    assert.throws(() => new NodeClock(1.01, 0));
    const c = new NodeClock(1, 0);
    const before = c.local(1000);
    c.jumpWall(-3_600_000);
    assert.equal(c.local(1000), before);
    assert.equal(c.wall(1000), 1_700_000_000_000 + 1000 - 3_600_000);
  });
});

describe('Lan', () => {
  it('delivers everything on a clean path, nothing on a cut or fully lossy one', () => {
    const lan = new Lan(3, new Prng(1));
    assert.equal(lan.fates(0, 1, 0).length, 1);
    lan.partition([[0], [1, 2]], false); // one way: 0 → others cut, not back
    assert.deepEqual(lan.fates(0, 1, 0), []);
    assert.equal(lan.fates(1, 0, 0).length, 1);
    lan.heal();
    lan.setPath(1, 2, { ...CLEAN_PATH, lossP: 1 });
    assert.deepEqual(lan.fates(1, 2, 0), []);
    assert.ok(lan.lossy());
  });
  it('keeps delays within the advertised bound and duplicates at about dupP', () => {
    const p = { lossP: 0, delayMinMs: 2, delayMeanMs: 5, jitterMs: 3, dupP: 0.1, reorderP: 0.05, reorderExtraMs: 10, corruptP: 0 };
    const lan = new Lan(2, new Prng(3), p);
    let copies = 0;
    for (let i = 0; i < 10_000; i++) {
      const f = lan.fates(0, 1, i * 100);
      copies += f.length;
      for (const d of f) assert.ok(d >= 2 && d <= pathMaxDelayMs(p) + 1, `delay ${d}`);
    }
    assert.ok(copies > 10_800 && copies < 11_200, `${copies} copies`);
  });
  it('is FIFO per path unless a frame is picked for reordering', () => {
    const p = { lossP: 0, delayMinMs: 1, delayMeanMs: 10, jitterMs: 5, dupP: 0.2, reorderP: 0, reorderExtraMs: 0, corruptP: 0 };
    const lan = new Lan(2, new Prng(5), p);
    let last = 0;
    for (let t = 0; t < 5000; t++) {
      for (const d of lan.fates(0, 1, t)) {
        assert.ok(t + d >= last, `frame sent at ${t} arrives at ${t + d}, before an earlier one at ${last}`);
        last = t + d;
      }
    }
    const r = new Lan(2, new Prng(5), { ...p, dupP: 0, reorderP: 0.2, reorderExtraMs: 50 });
    let overtaken = 0;
    last = 0;
    for (let t = 0; t < 5000; t++) for (const d of r.fates(0, 1, t)) { if (t + d < last) overtaken++; last = Math.max(last, t + d); }
    assert.ok(overtaken > 100, `${overtaken} frames overtaken with reordering on`);
  });
  it('components are the "hear each other both ways" groups', () => {
    const lan = new Lan(4, new Prng(1));
    lan.partition([[0, 1], [2, 3]]);
    assert.deepEqual(components(lan, [0, 1, 2, 3]), [[0, 1], [2, 3]]);
    lan.heal();
    lan.block(0, 3); // one direction only: 3 no longer counts as connected to 0
    assert.deepEqual(components(lan, [0, 3]), [[0], [3]]);
  });
});

describe('Trace, host and expected priority', () => {
  it('the trace keeps the last events, oldest first', () => {
    const t = new Trace(3);
    for (let i = 0; i < 5; i++) t.add(i, 'r1', 'e', String(i));
    assert.deepEqual(t.last().map((e) => e.detail), ['2', '3', '4']);
  });
  it('the host learns only from announcements, last one wins', () => {
    const h = new SimHost();
    assert.equal(h.macFor('10.1.1.100'), undefined);
    h.hearAnnouncement('10.1.1.100', 'aa', 1);
    h.hearAnnouncement('10.1.1.100', 'bb', 2);
    assert.equal(h.macFor('10.1.1.100'), 'bb');
  });
  it('derives priority as keepalived documents it', () => {
    const cfg = instanceConfig({
      router: 0, vrid: 1, priority: 100,
      trackers: [
        { id: 'a', weight: -10, reverse: false },
        { id: 'b', weight: 20, reverse: false },
        { id: 'c', weight: 5, reverse: true },
        { id: 'z', weight: 0, reverse: false },
      ],
    });
    const at = (entries: Array<[string, boolean]>) => expectedPriority(cfg, new Map(entries));
    assert.deepEqual(at([]), { priority: 100, fault: false }); // nothing reported yet
    assert.deepEqual(at([['a', false], ['b', true], ['c', true], ['z', true]]), { priority: 100 - 10 + 20 - 5, fault: false });
    assert.deepEqual(at([['a', true], ['b', false], ['c', false], ['z', false]]), { priority: 100, fault: true });
    assert.equal(expectedPriority({ ...cfg, priority: 250 }, new Map([['b', true]])).priority, 254);
    assert.equal(expectedPriority({ ...cfg, priority: 255 }, new Map([['a', false]])).priority, 255);
  });

  // Each sentence of `man keepalived.conf` (2.2.7) on weights, one case each.
  it('follows the man page sentence by sentence', () => {
    const one = (weight: number, reverse: boolean, up: boolean, priority = 100) =>
      expectedPriority(instanceConfig({ router: 0, vrid: 1, priority, trackers: [{ id: 't', weight, reverse }] }), new Map([['t', up]]));
    // "increased by the weight when the interface is up (for positive weights)"
    assert.deepEqual([one(20, false, true).priority, one(20, false, false).priority], [120, 100]);
    // "or decreased by the weight's absolute value when the interface is down (for negative weights)"
    assert.deepEqual([one(-20, false, false).priority, one(-20, false, true).priority], [80, 100]);
    // "unless reverse is specified, in which case the direction of adjustment of the priority is reversed"
    assert.deepEqual([one(20, true, true).priority, one(20, true, false).priority], [80, 100]);
    assert.deepEqual([one(-20, true, false).priority, one(-20, true, true).priority], [120, 100]);
    // "0 is the default behaviour which means that a failure implies a FAULT state"
    assert.deepEqual([one(0, false, false).fault, one(0, false, true).fault], [true, false]);
    // "'weight 0 reverse' will cause the vrrp instance to be down when the [tracked object] is up, and vice versa"
    assert.deepEqual([one(0, true, true).fault, one(0, true, false).fault], [true, false]);
    // "the effective priority will be limited to the range [1,254]"
    assert.deepEqual([one(-50, false, false, 20).priority, one(50, false, true, 240).priority], [1, 254]);
    // "if an instance has priority 255 configured, the priority cannot be reduced by track_scripts"
    assert.equal(one(-50, false, false, 255).priority, 255);
    // keepalived's vrrp_state_master_rx: an owner that hears another owner drops to 254
    assert.equal(expectedPriority(instanceConfig({ router: 0, vrid: 1, priority: 255 }), new Map(), true).priority, 254);
  });
});
