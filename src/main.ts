// vipkeeper's entry point: keepalived's flags → version/help, config test,
// config dump, or the daemon.
import { appendFileSync, readFileSync } from 'node:fs';
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

/** -t: every diagnostic to stderr (or the -tFILE log), exit status as keepalived -t. */
function configTest(o: CliOptions): number {
  const result = loadAndCheck(o.configFile, o.configId);
  const text = result.diagnostics.map((d) => formatDiagnostic(d) + '\n').join('');
  if (o.configTestLogFile !== null) appendFileSync(o.configTestLogFile, text);
  else process.stderr.write(text);
  if (o.dumpConf) process.stdout.write(JSON.stringify(result.config, null, 2) + '\n');
  return result.exitStatus;
}

/** -d: the parsed model as JSON on stdout; diagnostics on stderr. */
function dumpConf(o: CliOptions): number {
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
