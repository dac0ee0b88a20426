// keepalived -t and vipkeeper -t side by side on Debian's sample configs and
// on our fixtures: same good/bad verdict on every file (and, for fixtures, the
// exact exit status in the header). Both run inside a network namespace made
// here, with veths eth0 and eth1, so interface checks see the same host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { allFixtures } from '../fixtures/config/expectations.ts';

const NS = `vkc${process.pid}`.slice(0, 15);
const VIPKEEPER = new URL('../../bin/vipkeeper', import.meta.url).pathname;
const SAMPLES = '/usr/share/doc/keepalived/samples';
const KEEPALIVED = '/usr/sbin/keepalived';
const skip = process.getuid?.() !== 0 ? 'needs root' : !existsSync(KEEPALIVED) ? 'keepalived not installed' : false;

function sh(cmd: string, args: string[]): { status: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

interface Outcome { status: number; out: string }

/** One `-t` run inside the namespace; bounded by a timeout. */
function checkAsync(program: string, file: string, configId: string | null): Promise<Outcome> {
  const id = configId === null ? [] : ['-i', configId];
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', NS, program, '-t', '-f', file, ...id], { timeout: 60_000 });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    child.on('close', (code) => resolve({ status: code ?? -1, out }));
  });
}

/** Runs every check up front, a few at a time (the machine has 2 cores). */
async function runAll(jobs: { key: string; program: string; file: string; configId: string | null }[]): Promise<Map<string, Outcome>> {
  const results = new Map<string, Outcome>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const j = jobs[next++]!;
      results.set(j.key, await checkAsync(j.program, j.file, j.configId));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return results;
}

let results = new Map<string, Outcome>();
const check = (program: string, file: string): Outcome => {
  const r = results.get(`${program} ${file}`);
  assert.ok(r, `no result for ${program} ${file}`);
  return r;
};

/** Lines keepalived attributes a message to: "(FILE: Line N)". */
function keepalivedLines(out: string, file: string): number[] {
  const re = /\((.+?): Line (\d+)\)/g;
  const lines: number[] = [];
  for (const m of out.matchAll(re)) if (m[1] === file) lines.push(Number(m[2]));
  return [...new Set(lines)];
}

const samples = existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((n) => n.startsWith('keepalived.conf.')).sort() : [];
const fixtures = allFixtures();

before(async () => {
  if (skip) return;
  const steps: string[][] = [
    ['netns', 'add', NS],
    ['-n', NS, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'vkp0'],
    ['-n', NS, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'vkp1'],
  ];
  for (const s of steps) assert.equal(sh('ip', s).status, 0, `ip ${s.join(' ')}`);
  const files = [...samples.map((n) => ({ file: `${SAMPLES}/${n}`, configId: null })), ...fixtures.map((f) => ({ file: f.path, configId: f.configId }))];
  const jobs = files.flatMap(({ file, configId }) => [KEEPALIVED, VIPKEEPER].map((program) => ({ key: `${program} ${file}`, program, file, configId })));
  results = await runAll(jobs);
});

after(() => {
  if (!skip) sh('ip', ['netns', 'del', NS]);
});

for (const name of samples) {
  test(`sample ${name}: same verdict as keepalived -t`, { skip }, () => {
    const file = `${SAMPLES}/${name}`;
    const ka = check(KEEPALIVED, file);
    const vk = check(VIPKEEPER, file);
    assert.equal(vk.status === 0, ka.status === 0, `keepalived ${ka.status}:\n${ka.out}\nvipkeeper ${vk.status}:\n${vk.out}`);
  });
}

for (const fx of fixtures) {
  test(`fixture ${fx.path.split('/config/')[1]}: keepalived -t, vipkeeper -t and the header agree`, { skip }, () => {
    const ka = check(KEEPALIVED, fx.path);
    const vk = check(VIPKEEPER, fx.path);
    const both = `keepalived ${ka.status}:\n${ka.out}\nvipkeeper ${vk.status}:\n${vk.out}`;
    assert.equal(ka.status, fx.exit, `the header's expect-exit must be keepalived's status\n${both}`);
    assert.equal(vk.status, fx.exit, both);
    // Every line keepalived points at, we point at too.
    for (const line of keepalivedLines(ka.out, fx.path)) {
      assert.ok(vk.out.includes(`${fx.path}:${line}:`), `keepalived reports line ${line}; vipkeeper does not\n${both}`);
    }
  });
}
