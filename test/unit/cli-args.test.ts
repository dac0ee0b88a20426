import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, DEFAULT_CONFIG_FILE } from '../../src/cli/args.ts';

function ok(argv: string[]) {
  const r = parseArgs(argv);
  assert.ok(r.ok, JSON.stringify(r));
  return r;
}

test('defaults: run the daemon with /etc/keepalived/keepalived.conf', () => {
  const r = ok([]);
  assert.equal(r.action, 'run');
  assert.equal(r.options.configFile, DEFAULT_CONFIG_FILE);
  assert.equal(r.options.configTest, false);
});

test('short and long forms of every supported flag', () => {
  const short = ok(['-f', 'a.conf', '-n', '-l', '-D', '-P', '-p', 'p.pid', '-r', 'r.pid', '-i', 'main', '-V', '-X', '-S', '7']).options;
  const long = ok(['--use-file=a.conf', '--dont-fork', '--log-console', '--log-detail', '--vrrp', '--pid', 'p.pid', '--vrrp_pid=r.pid', '--config-id', 'main', '--dont-release-vrrp', '--release-vips', '--log-facility=7']).options;
  assert.deepEqual(short, long);
  assert.equal(short.configFile, 'a.conf');
  assert.equal(short.dontFork && short.logConsole && short.logDetail && short.vrrpOnly && short.dontReleaseVrrp && short.releaseVips, true);
  assert.deepEqual([short.pidFile, short.vrrpPidFile, short.configId, short.logFacility], ['p.pid', 'r.pid', 'main', '7']);
});

test('clustered short flags and attached values', () => {
  const o = ok(['-nlD', '-S7', '-fx.conf']).options;
  assert.deepEqual([o.dontFork, o.logConsole, o.logDetail, o.logFacility, o.configFile], [true, true, true, '7', 'x.conf']);
  const o2 = ok(['-nf', 'y.conf']).options;
  assert.equal(o2.configFile, 'y.conf');
});

test('-t takes an optional value only when attached (getopt optional_argument)', () => {
  const a = ok(['-t', '-f', 'c.conf']);
  assert.equal(a.action, 'configTest');
  assert.equal(a.options.configTestLogFile, null);
  assert.equal(a.options.configFile, 'c.conf');
  assert.equal(ok(['-t/tmp/log']).options.configTestLogFile, '/tmp/log');
  assert.equal(ok(['--config-test=/tmp/log']).options.configTestLogFile, '/tmp/log');
  const sep = ok(['-t', '/tmp/log']);
  assert.equal(sep.options.configTestLogFile, null, 'a separate word is not the value');
  assert.deepEqual(sep.notices, ['Unexpected argument(s): /tmp/log']);
});

test('unique prefixes of long options work, as getopt_long allows', () => {
  assert.equal(ok(['--config-t']).action, 'configTest');
  assert.equal(ok(['--use=z.conf']).options.configFile, 'z.conf');
});

test('-d dumps, -v and -h win over everything', () => {
  assert.equal(ok(['-d']).action, 'dumpConf');
  assert.equal(ok(['-t', '-v']).action, 'version');
  assert.equal(ok(['--help', '-t']).action, 'help');
  assert.equal(ok(['--log-json']).options.jsonLogs, true);
});

test('LVS/BFD/SNMP flags are accepted, ignored, with a one-line notice each', () => {
  const r = ok(['-C', '-B', '-c', 'x.pid', '--snmp', '-A', 'sock', '-I', '--all', '-b', 'b.pid']);
  assert.equal(r.notices.length, 8);
  for (const n of r.notices) assert.match(n, /LVS\/BFD\/SNMP only; ignored/);
  assert.equal(r.action, 'run');
});

test('unknown flags and missing values are errors', () => {
  const bad = [['-Q'], ['--bogus'], ['-f'], ['--use-file='], ['--pid'], ['--dont-fork=yes'], ['-S', 'local9']];
  for (const argv of bad) {
    const r = parseArgs(argv);
    assert.equal(r.ok, false, argv.join(' '));
  }
  const r = parseArgs(['-Q']);
  assert.ok(!r.ok && r.errors[0] === 'Unknown option -Q');
});

test('-- ends the options', () => {
  const r = ok(['--', '-t']);
  assert.equal(r.action, 'run');
  assert.deepEqual(r.notices, ['Unexpected argument(s): -t']);
});
