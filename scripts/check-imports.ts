// Holds the dependency direction of DESIGN.md in CI:
//   base ← vrrp ← pure parts of config/track/notify (vrrp imports only base); net and observe import base only;
//   daemon and main.ts may import everything; nothing imports daemon.
// Pure modules also may not touch clocks, timers, randomness, process or IO.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// `--root DIR` checks another tree (the unit test feeds it bad code to prove it can fail).
const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? resolve(process.argv[rootArg + 1]!) : resolve(dirname(new URL(import.meta.url).pathname), '..');

const PURE = (f: string) =>
  f.startsWith('src/base/') || f.startsWith('src/vrrp/') ||
  (f.startsWith('src/config/') && !f.endsWith('/load.ts')) ||
  ['src/track/hysteresis.ts', 'src/track/script-security.ts', 'src/track/file-value.ts', 'src/track/process-match.ts', 'src/notify/events.ts', 'src/notify/command-line.ts'].includes(f);

const FORBIDDEN_IN_PURE = /(?<![.\w])(Date\.now|new Date\b|setTimeout|setInterval|setImmediate|Math\.random|process\.|performance\.now|console\.)/;
// The simulator may use Node's test/CLI modules, but never real time or randomness.
const FORBIDDEN_IN_SIM = /(?<![.\w])(Date\.now|new Date\b|Math\.random|performance\.now)/;

function walk(dir: string): string[] {
  let out: string[] = [];
  let names: string[] = [];
  try { names = readdirSync(dir); } catch { return out; }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (n.endsWith('.ts')) out.push(p);
  }
  return out;
}

function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

/** Removes comments and string contents so the globals check sees only code. */
function codeOnly(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/(['"`])(?:\\.|(?!\1)[^\\\n])*\1/g, '""');
}

const problems: string[] = [];
const files = [...walk(join(root, 'src')), ...walk(join(root, 'test/sim'))].map((f) => relative(root, f));
for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8');
  const isTypeOnly = (spec: string) => new RegExp(`import\\s+type\\s[^;]*['"]${spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`).test(text);
  for (const spec of importsOf(text)) {
    const target = spec.startsWith('.') ? relative(root, resolve(dirname(join(root, file)), spec)) : spec;
    const bad = (why: string) => problems.push(`${file}: imports ${spec}: ${why}`);
    if (target.startsWith('src/daemon/') && !file.startsWith('src/daemon/') && file !== 'src/main.ts' && !isTypeOnly(spec)) bad('nothing but main.ts imports the daemon');
    if (PURE(file)) {
      if (spec.startsWith('node:')) bad('pure code imports no Node IO module');
      if (!spec.startsWith('.')) bad('pure code imports no package');
    }
    if (PURE(file) || file.startsWith('test/sim/')) {
      if (/^src\/(net|observe|daemon|cli)\//.test(target)) bad('pure code imports no edge module');
      if (target.startsWith('src/') && !PURE(target) && !isTypeOnly(spec)) bad('pure code imports only pure modules');
    }
    // The core is the bottom of the tree: it imports base/ and itself, not even the pure parts of track/config/notify.
    if (file.startsWith('src/vrrp/') && target.startsWith('src/') && !/^src\/(base|vrrp)\//.test(target)) bad('the core (src/vrrp) imports only base/ and vrrp/');
    if (/^src\/(net|observe)\//.test(file) && /^src\//.test(target) && !/^src\/(base|net|observe)\//.test(target) && !isTypeOnly(spec)) {
      bad('net/ and observe/ import only base/ (and each other\'s types)');
    }
  }
  // vopr.ts is the CLI: it may pick a seed from the clock and time the run.
  const forbidden = PURE(file) ? FORBIDDEN_IN_PURE : file.startsWith('test/sim/') && file !== 'test/sim/vopr.ts' ? FORBIDDEN_IN_SIM : null;
  const m = forbidden?.exec(codeOnly(text));
  if (m) problems.push(`${file}: uses ${m[1]}: pure code and the simulator get time and randomness from their caller`);
}
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`check-imports: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-imports: ${files.length} files follow the dependency direction`);
