// The cost of the VIP-add path in a fresh process (the state a backup is in
// when it takes over: it has never added an address), with addVip's
// RTM_GETLINK lookup by name and with the ifindex passed in. Run as root:
//   node --import tsx scripts/bench/lib/netlink-path.ts [--n 5]
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Lab } from '../../../test/lib/lab.ts';
import { fmt, load, summarize, table } from './stats.ts';

const n = Math.min(Math.max(Number(process.argv[process.argv.indexOf('--n') + 1] ?? 5) || 5, 1), 20);
const script = resolve(new URL('./cold-vip.ts', import.meta.url).pathname);
const tsx = resolve(new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).pathname);
const rows: Record<string, Record<string, number[]>> = { lookup: {}, index: {} };
const lab = Lab.create([{ name: 'a', ipv4: '10.99.1.1/24' }], 'np');
try {
  for (let i = 0; i < n; i++) {
    for (const mode of ['lookup', 'index'] as const) {
      lab.exec('a', ['ip', 'addr', 'flush', 'dev', 'eth0', 'to', '10.99.0.0/24']);
      const out = execFileSync('ip', ['netns', 'exec', lab.host('a').ns, 'node', '--import', `file://${tsx}`, script, mode], { encoding: 'utf8', timeout: 30_000 });
      for (const [k, v] of Object.entries(JSON.parse(out) as Record<string, number>)) (rows[mode]![k] ??= []).push(v);
    }
  }
} finally {
  lab.cleanup();
}
console.log(table(['addVip', 'n', 'first add ms (cold)', 'second add ms', 'RTM_GETLINK by name ms (warm)'],
  (['lookup', 'index'] as const).map((m) => [m === 'lookup' ? 'by name (RTM_GETLINK first)' : 'with ifindex', String(n),
    fmt(summarize(rows[m]!.firstAddMs ?? []), 2), fmt(summarize(rows[m]!.secondAddMs ?? []), 2), fmt(summarize(rows[m]!.linkLookupMs ?? []), 2)])));
console.log(`load ${load()}`);
