// Address blocks read item by item as the parser meets them (block-items.ts)
// must give exactly what reading the whole tree gives: the same draft and the
// same diagnostics in the same order, also for bad items, a VIP of the other
// family, an unnamed instance, unclosed blocks and items with blocks of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressBlockReaders } from '../../src/config/block-items.ts';
import { DiagnosticSink } from '../../src/config/diagnostics.ts';
import { emptyDraft, readDraft, readRoot } from '../../src/config/keywords.ts';
import { parse, TreeBuilder } from '../../src/config/parser.ts';
import { preprocess } from '../../src/config/preprocess.ts';
import { memoryReader } from '../../src/config/source.ts';

function both(text: string) {
  const read = () => preprocess('/c.conf', memoryReader({ '/c.conf': text }), new DiagnosticSink(), { configId: null });
  const whole = new DiagnosticSink();
  const wholeDraft = readDraft(parse(read(), whole), whole);
  const streamed = new DiagnosticSink();
  const draft = emptyDraft();
  const b = new TreeBuilder(streamed, (n) => readRoot(n, draft, streamed), addressBlockReaders());
  for (const l of read()) b.push(l);
  b.finish();
  return { whole: { d: JSON.parse(JSON.stringify(wholeDraft)), diag: whole.list }, streamed: { d: JSON.parse(JSON.stringify(draft)), diag: streamed.list } };
}

const CASES: Record<string, string> = {
  'diagnostics of keywords before and after the block keep their place': `
vrrp_instance A {
  frobnicate 1
  virtual_ipaddress {
    10.0.0.1/32 dev eth0 frob
    10.0.0.300
    fd00::1
    10.0.0.2 brd 10.0.0.255 label eth0:1 scope link
    10.0.0.3/33
  }
  state WRONG
  virtual_ipaddress_excluded {
    fd00::2/64 peer 10.0.0.9
    10.0.0.4
  }
  virtual_ipaddress {
    fd00::3
    10.0.0.5 no_track
  }
  virtual_routes {
    10.1.0.0/16 via 10.0.0.254
    10.2.0.0/16 dev eth0
    10.0.0.999/8 dev eth0
  }
  virtual_rules {
    from 10.0.0.1 table 7
  }
  priority 300
}
vrrp_instance B {
  virtual_ipaddress {
    fd00::9
    10.0.0.9
  }
}`,
  'static blocks': `
static_ipaddress {
  10.9.0.1/24 dev eth0
  nonsense
}
static_routes {
  10.8.0.0/16 dev eth0
  10.8.0.0/16
}
static_rules {
  from 10.0.0.1 table 3
}`,
  'an unnamed instance reports nothing of its VIPs': `
vrrp_instance {
  virtual_ipaddress {
    10.0.0.300
  }
}`,
  'items with blocks, braces on the next line, and a block closed on the item line': `
vrrp_instance A {
  virtual_ipaddress
  {
    10.0.0.1 {
      x
    }
    10.0.0.2
    {
    }
    10.0.0.3 }
  virtual_routes { 10.1.0.0/16 dev eth0 }
}`,
  'unclosed blocks at the end of the file': `
vrrp_instance A {
  virtual_ipaddress {
    10.0.0.1
    10.0.0.2 {
      y`,
  'unclosed block whose last item ends the file': `
vrrp_instance A {
  virtual_ipaddress {
    10.0.0.1
    10.0.0.300`,
};

for (const [name, text] of Object.entries(CASES)) {
  test(`streamed address blocks read as the whole tree: ${name}`, () => {
    const r = both(text);
    assert.deepEqual(r.streamed.diag, r.whole.diag);
    assert.deepEqual(r.streamed.d, r.whole.d);
  });
}

test('the first case does report what it is meant to (the comparison is not of two empty lists)', () => {
  const r = both(CASES['diagnostics of keywords before and after the block keep their place']!);
  const msgs = r.streamed.diag.map((d) => `${d.pos?.line}: ${d.message}`);
  assert.ok(msgs.length >= 8, msgs.join('\n'));
  assert.ok(msgs.some((m) => m.includes('address family must match')), msgs.join('\n'));
  assert.ok(r.streamed.d.instances[0].vips.length === 3);
});

test('a VIP without options (the compact form) reads and serialises as one with every field', async () => {
  const { checkConfig } = await import('../../src/config/check.ts');
  const text = 'vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1/24\n }\n virtual_ipaddress_excluded {\n  fd00::1\n }\n}\n';
  const { memoryReader: mem } = await import('../../src/config/source.ts');
  const r = checkConfig('/k', mem({ '/k': text }), { configId: 'x', env: null });
  const a = r.config.instances[0]!.virtualAddresses[0]!;
  const full = (address: string, family: number, prefixLength: number, line: number) => ({
    address, family, prefixLength, broadcast: null, dev: null, scope: null, label: null, peer: null, noTrack: false, noDad: false,
    noPrefixRoute: false, home: false, mngTmpAddr: false, autoJoin: false, useVmac: false, preferredLft: null, where: { file: '/k', line },
  });
  // Same keys in the same order in JSON (what -d prints), and the same value for every field read.
  assert.equal(JSON.stringify(a), JSON.stringify(full('10.0.0.1', 4, 24, 5)));
  assert.equal(JSON.stringify(r.config.instances[0]!.excludedAddresses[0]), JSON.stringify(full('fd00::1', 6, 128, 8)));
  for (const [k, v] of Object.entries(full('10.0.0.1', 4, 24, 5))) assert.deepEqual((a as unknown as Record<string, unknown>)[k], v, k);
});
