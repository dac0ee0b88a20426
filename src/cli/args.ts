// keepalived's command line, with GNU getopt_long semantics: clustered short
// flags (-nlD, -S7), `-tFILE` / `--config-test=FILE` for optional values (a
// separate next word is NOT the value), unique long-option prefixes, and
// non-option words permuted to the end ("Unexpected argument(s)").
import type { CliOptions } from './options.ts';

type ArgKind = 'none' | 'required' | 'optional';

interface Flag {
  readonly short: string | null;
  readonly long: string;
  readonly arg: ArgKind;
  /** Set for flags accepted only for compatibility: the notice printed. */
  readonly ignored?: string;
}

const LVS = 'LVS/BFD/SNMP only; ignored by vipkeeper';
const NOT_IMPL = 'not implemented by vipkeeper; ignored';

export const FLAGS: readonly Flag[] = [
  { short: 'f', long: 'use-file', arg: 'required' },
  { short: 'P', long: 'vrrp', arg: 'none' },
  { short: 'C', long: 'check', arg: 'none', ignored: LVS },
  { short: 'B', long: 'no_bfd', arg: 'none', ignored: LVS },
  { short: null, long: 'all', arg: 'none', ignored: LVS },
  { short: 'l', long: 'log-console', arg: 'none' },
  { short: 'D', long: 'log-detail', arg: 'none' },
  { short: 'S', long: 'log-facility', arg: 'required' },
  { short: 'g', long: 'log-file', arg: 'optional', ignored: NOT_IMPL },
  { short: null, long: 'flush-log-file', arg: 'none', ignored: NOT_IMPL },
  { short: 'G', long: 'no-syslog', arg: 'none', ignored: NOT_IMPL },
  { short: 'e', long: 'all-config', arg: 'none', ignored: NOT_IMPL },
  { short: 'u', long: 'umask', arg: 'required', ignored: NOT_IMPL },
  { short: 'X', long: 'release-vips', arg: 'none' },
  { short: 'V', long: 'dont-release-vrrp', arg: 'none' },
  { short: 'I', long: 'dont-release-ipvs', arg: 'none', ignored: LVS },
  { short: 'R', long: 'dont-respawn', arg: 'none', ignored: NOT_IMPL },
  { short: 'n', long: 'dont-fork', arg: 'none' },
  { short: 'd', long: 'dump-conf', arg: 'none' },
  { short: 'p', long: 'pid', arg: 'required' },
  { short: 'r', long: 'vrrp_pid', arg: 'required' },
  { short: 'T', long: 'genhash', arg: 'none', ignored: LVS },
  { short: 'c', long: 'checkers_pid', arg: 'required', ignored: LVS },
  { short: 'a', long: 'address-monitoring', arg: 'none', ignored: LVS },
  { short: 'b', long: 'bfd_pid', arg: 'required', ignored: LVS },
  { short: 'x', long: 'snmp', arg: 'none', ignored: LVS },
  { short: 'A', long: 'snmp-agent-socket', arg: 'required', ignored: LVS },
  { short: 'm', long: 'core-dump', arg: 'none', ignored: NOT_IMPL },
  { short: 'M', long: 'core-dump-pattern', arg: 'optional', ignored: NOT_IMPL },
  { short: 'L', long: 'mem-check-log', arg: 'none', ignored: NOT_IMPL },
  { short: null, long: 'no-mem-check', arg: 'none', ignored: NOT_IMPL },
  { short: 's', long: 'namespace', arg: 'required', ignored: NOT_IMPL },
  { short: 'i', long: 'config-id', arg: 'required' },
  { short: null, long: 'signum', arg: 'required', ignored: NOT_IMPL },
  { short: 't', long: 'config-test', arg: 'optional' },
  { short: null, long: 'config-fd', arg: 'required', ignored: NOT_IMPL },
  { short: null, long: 'perf', arg: 'optional', ignored: NOT_IMPL },
  { short: null, long: 'debug', arg: 'optional', ignored: NOT_IMPL },
  { short: 'v', long: 'version', arg: 'none' },
  { short: 'h', long: 'help', arg: 'none' },
  { short: null, long: 'log-json', arg: 'none' },
];

export type Action = 'run' | 'configTest' | 'dumpConf' | 'version' | 'help';

export type ParsedArgs =
  | { readonly ok: true; readonly action: Action; readonly options: CliOptions; readonly notices: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[] };

export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';
const FACILITY_RE = /^([0-7]|local[0-7]|user|daemon)$/;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function defaults(): Mutable<CliOptions> {
  return {
    configFile: DEFAULT_CONFIG_FILE, configTest: false, configTestLogFile: null, dumpConf: false, dontFork: false,
    logConsole: false, logDetail: false, vrrpOnly: false, pidFile: null, vrrpPidFile: null, configId: null,
    dontReleaseVrrp: false, releaseVips: false, logFacility: null, jsonLogs: false,
  };
}

/** Exact long name, else a unique prefix (as getopt_long allows). */
function findLong(name: string): Flag | 'ambiguous' | null {
  const exact = FLAGS.find((f) => f.long === name);
  if (exact) return exact;
  const hits = FLAGS.filter((f) => f.long.startsWith(name));
  return hits.length === 1 ? hits[0]! : hits.length > 1 ? 'ambiguous' : null;
}

function apply(flag: Flag, value: string | null, o: Mutable<CliOptions>, errors: string[], notices: string[], seen: Set<string>): void {
  if (flag.ignored) { notices.push(`vipkeeper: option --${flag.long}${flag.short ? ` (-${flag.short})` : ''}: ${flag.ignored}`); return; }
  seen.add(flag.long);
  switch (flag.long) {
    case 'use-file': o.configFile = value!; break;
    case 'vrrp': o.vrrpOnly = true; break;
    case 'log-console': o.logConsole = true; break;
    case 'log-detail': o.logDetail = true; break;
    case 'log-facility':
      if (!FACILITY_RE.test(value!)) errors.push(`Invalid log facility '${value}'`);
      else o.logFacility = value;
      break;
    case 'release-vips': o.releaseVips = true; break;
    case 'dont-release-vrrp': o.dontReleaseVrrp = true; break;
    case 'dont-fork': o.dontFork = true; break;
    case 'dump-conf': o.dumpConf = true; break;
    case 'pid': o.pidFile = value; break;
    case 'vrrp_pid': o.vrrpPidFile = value; break;
    case 'config-id': o.configId = value; break;
    case 'config-test': o.configTest = true; o.configTestLogFile = value; break;
    case 'log-json': o.jsonLogs = true; break;
  }
}

function shortCluster(word: string, next: string | undefined, ctx: Ctx): number {
  for (let j = 1; j < word.length; j++) {
    const c = word[j]!;
    const flag = FLAGS.find((f) => f.short === c);
    if (!flag) { ctx.errors.push(`Unknown option -${c}`); continue; }
    const rest = word.slice(j + 1);
    if (flag.arg === 'none') { ctx.apply(flag, null); continue; }
    if (flag.arg === 'optional') { ctx.apply(flag, rest === '' ? null : rest); return 0; }
    if (rest !== '') { ctx.apply(flag, rest); return 0; }
    if (next === undefined) { ctx.errors.push(`Missing parameter for option -${c}`); return 0; }
    ctx.apply(flag, next);
    return 1;
  }
  return 0;
}

function longOption(word: string, next: string | undefined, ctx: Ctx): number {
  const eq = word.indexOf('=');
  const name = word.slice(2, eq < 0 ? undefined : eq);
  const inline = eq < 0 ? null : word.slice(eq + 1);
  const flag = findLong(name);
  if (flag === null || flag === 'ambiguous') { ctx.errors.push(`Unknown option ${word}`); return 0; }
  if (flag.arg === 'none') {
    if (inline !== null) ctx.errors.push(`option '--${flag.long}' doesn't allow an argument`);
    else ctx.apply(flag, null);
    return 0;
  }
  if (flag.arg === 'optional') { ctx.apply(flag, inline); return 0; }
  if (inline !== null) {
    if (inline === '') ctx.errors.push(`Missing parameter for option --${flag.long}`);
    else ctx.apply(flag, inline);
    return 0;
  }
  if (next === undefined) { ctx.errors.push(`Missing parameter for option --${flag.long}`); return 0; }
  ctx.apply(flag, next);
  return 1;
}

interface Ctx {
  readonly errors: string[];
  apply(flag: Flag, value: string | null): void;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const o = defaults();
  const errors: string[] = [];
  const notices: string[] = [];
  const seen = new Set<string>();
  const extra: string[] = [];
  const ctx: Ctx = { errors, apply: (flag, value) => apply(flag, value, o, errors, notices, seen) };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') { extra.push(...argv.slice(i + 1)); break; }
    if (word.startsWith('--')) i += longOption(word, argv[i + 1], ctx);
    else if (word.startsWith('-') && word.length > 1) i += shortCluster(word, argv[i + 1], ctx);
    else extra.push(word);
  }
  if (extra.length > 0) notices.push(`Unexpected argument(s): ${extra.join(' ')}`);
  if (errors.length > 0) return { ok: false, errors };
  const action: Action = seen.has('version') ? 'version' : seen.has('help') ? 'help'
    : o.configTest ? 'configTest' : o.dumpConf ? 'dumpConf' : 'run';
  return { ok: true, action, options: o, notices };
}

export const USAGE = `Usage: vipkeeper [OPTION...]
  -f, --use-file=FILE          Use the specified configuration file
                               (default ${DEFAULT_CONFIG_FILE})
  -P, --vrrp                   Only run with VRRP subsystem (the only one vipkeeper has)
  -l, --log-console            Log messages to local console
  -D, --log-detail             Detailed log messages
  -S, --log-facility=[0-7|local0-7|user|daemon]
                               Set syslog facility
  -X, --release-vips           Drop VIPs on transition from signal
  -V, --dont-release-vrrp      Don't remove VRRP VIPs and VROUTEs on daemon stop
  -n, --dont-fork              Don't fork the daemon process
  -d, --dump-conf              Dump the parsed configuration as JSON and exit
  -p, --pid=FILE               Use specified pidfile for parent process
  -r, --vrrp_pid=FILE          Use specified pidfile for VRRP child process
  -i, --config-id ID           Skip any configuration lines beginning '@' that don't match ID
  -t, --config-test[=LOG_FILE] Check the configuration for obvious errors; output to
                               stderr by default
      --log-json               Log as JSON lines (vipkeeper only)
  -v, --version                Display the version number
  -h, --help                   Display this help message
LVS/BFD/SNMP options (-C -B -I -T -c -a -b -x -A --all) are accepted and ignored.
`;
