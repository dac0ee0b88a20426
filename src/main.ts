// vipkeeper's entry point: keepalived's flags → version/help, config test,
// config dump, or the daemon.
import { closeSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { parseArgs, USAGE } from './cli/args.ts';
import type { CliOptions } from './cli/options.ts';
import { formatDiagnostic } from './config/diagnostics.ts';
import { loadAndCheck } from './config/load.ts';

function version(): string {
  try {
    // src/main.ts (tsx) or dist/src/main.js (compiled build).
    const url = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)]
      .find((u) => { try { readFileSync(u); return true; } catch { return false; } });
    const pkg = JSON.parse(readFileSync(url ?? new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return `vipkeeper v${pkg.version ?? '?'}`;
  } catch {
    return 'vipkeeper';
  }
}

/**
 * -t and -d keep nearly all they allocate until they exit, so letting V8 grow
 * the young generation (to 16 MB semi-spaces) only buys fresh pages to copy
 * survivors into. Keeping it at its start size cut the 1000-instance check by
 * ~100 ms of CPU and 15 MB of RSS (docs/benchmarks.md, "Config check"). V8
 * reads this flag whenever it would grow the space, so setting it now works;
 * the daemon never calls this. (An unknown flag would print to stderr: engines
 * pins Node 20, whose V8 has it.)
 */
function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * -tFILE as keepalived opens it: appended to, created 0644, never through a
 * symlink (O_NOFOLLOW), so a link planted at the path cannot aim root's write.
 * undefined (after keepalived's message) when it cannot be opened.
 */
function openConfigTestLog(path: string): number | undefined {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NOCTTY, 0o644);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`Unable to open config-test log file ${path} ${-(e.errno ?? 0)} - ${e.message}\n`);
    return undefined;
  }
}

/** -t: every diagnostic to stderr (or the -tFILE log), exit status as keepalived -t. */
function configTest(o: CliOptions): number {
  keepYoungGenerationSmall();
  const logFd = o.configTestLogFile === null ? null : openConfigTestLog(o.configTestLogFile);
  if (logFd === undefined) return 1;
  const result = loadAndCheck(o.configFile, o.configId);
  const text = result.diagnostics.map((d) => formatDiagnostic(d) + '\n').join('');
  if (logFd !== null) {
    writeFileSync(logFd, text);
    closeSync(logFd);
  } else process.stderr.write(text);
  if (o.dumpConf) process.stdout.write(JSON.stringify(result.config, null, 2) + '\n');
  return result.exitStatus;
}

/** -d: the parsed model as JSON on stdout; diagnostics on stderr. */
function dumpConf(o: CliOptions): number {
  keepYoungGenerationSmall();
  const result = loadAndCheck(o.configFile, o.configId);
  for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
  process.stdout.write(JSON.stringify(result.config, null, 2) + '\n');
  return result.diagnostics.some((d) => d.impact === 'fatal') ? 1 : 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    for (const e of parsed.errors) process.stderr.write(`${e}\n`);
    process.stderr.write(USAGE);
    return 1; // keepalived exits 1 on a bad option
  }
  for (const n of parsed.notices) process.stderr.write(`${n}\n`);
  switch (parsed.action) {
    case 'version': process.stderr.write(`${version()}\n`); return 0;
    case 'help': process.stderr.write(USAGE); return 0;
    case 'configTest': return configTest(parsed.options);
    case 'dumpConf': return dumpConf(parsed.options);
    case 'run': {
      // Loaded only to run: -t and -d stay fast without the daemon's graph (netlink addon, pino).
      const { runDaemon } = await import('./daemon/lifecycle.ts');
      return runDaemon(parsed.options);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => { process.stderr.write(`vipkeeper: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`); process.exitCode = 1; },
);
