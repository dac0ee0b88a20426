import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSink } from '../../src/config/diagnostics.ts';
import { preprocess } from '../../src/config/preprocess.ts';
import { memoryReader } from '../../src/config/source.ts';

function run(files: Record<string, string>, configId: string | null = null) {
  const sink = new DiagnosticSink();
  const lines = preprocess('/etc/k/main.conf', memoryReader(files), sink, { configId });
  return { texts: lines.map((l) => l.words.map((w) => w.text).join(' ')), lines, sink };
}

test('include resolves globs relative to the including file, in sorted order', () => {
  const { texts, lines } = run({
    '/etc/k/main.conf': 'a\ninclude conf.d/*.conf\nz',
    '/etc/k/conf.d/2.conf': 'two',
    '/etc/k/conf.d/1.conf': 'one\ninclude ../sub/x.conf',
    '/etc/k/sub/x.conf': 'x',
    '/etc/k/conf.d/skip.txt': 'nope',
  });
  assert.deepEqual(texts, ['a', 'one', 'x', 'two', 'z']);
  assert.equal(lines[2]!.pos.file, '/etc/k/sub/x.conf');
  assert.equal(lines[1]!.pos.file, '/etc/k/conf.d/1.conf');
});

test('a missing plain include warns without failing (keepalived only logs it)', () => {
  const { texts, sink } = run({ '/etc/k/main.conf': 'include nope.conf\nkept' });
  assert.deepEqual(texts, ['kept']);
  assert.equal(sink.list.length, 1);
  assert.equal(sink.list[0]!.impact, 'none');
  assert.match(sink.list[0]!.message, /nope\.conf/);
});

test('includea makes a missing file fatal', () => {
  const { sink } = run({ '/etc/k/main.conf': 'includea nope.conf' });
  assert.equal(sink.list[0]!.impact, 'fatal');
});

test('an include loop stops with an error instead of recursing forever', () => {
  const { sink } = run({ '/etc/k/main.conf': 'include main.conf' });
  assert.ok(sink.list.some((d) => /includes itself/.test(d.message) && d.impact === 'fatal' && d.pos?.line === 1));
});

test('@ID keeps a line only for that config id, @^ID only for others', () => {
  const files = { '/etc/k/main.conf': '@main a\n@backup b\n@^main c\nd' };
  assert.deepEqual(run(files, 'main').texts, ['a', 'd']);
  assert.deepEqual(run(files, 'backup').texts, ['b', 'c', 'd']);
  assert.deepEqual(run(files, null).texts, ['c', 'd']);
});

test('an @ID line holding a lone carriage return is kept or dropped, not a crash', () => {
  const files = { '/etc/k/main.conf': '@main a\rb c\n@other x\ry\nd' };
  assert.deepEqual(run(files, 'main').texts, ['a\rb c', 'd']);
  assert.deepEqual(run(files, 'other').texts, ['x\ry', 'd']);
});

test('definitions substitute $NAME and ${NAME}, at use time, recursively', () => {
  const { texts } = run({
    '/etc/k/main.conf': '$ADDRESS_BASE=10.2.${SUB}\n$SUB=0\n${ADDRESS_BASE}.100/32\n$SUB=10\n${ADDRESS_BASE}.100/32\npriority $P\n$P=7\npriority $P\nkeep ${UNDEF} $alsoundef',
  });
  assert.deepEqual(texts, ['10.2.0.100/32', '10.2.10.100/32', 'priority $P', 'priority 7', 'keep ${UNDEF} $alsoundef']);
});

test('a definition can carry a conditional', () => {
  const files = { '/etc/k/main.conf': '$IF_MAIN=@main\n$IF_MAIN priority 240\n@main $PRIO=1\n@^main $PRIO=2\nprio $PRIO' };
  assert.deepEqual(run(files, 'main').texts, ['priority 240', 'prio 1']);
  assert.deepEqual(run(files, 'other').texts, ['prio 2']);
});

test('multi-line definitions expand into several lines', () => {
  const { texts } = run({
    '/etc/k/main.conf': '$BLOCK= \\\nvi ${N} { \\\n  @hi priority 1 \\\n}\n$N=1\n$BLOCK\n$N=2\n$BLOCK',
  }, 'hi');
  assert.deepEqual(texts, ['vi 1 {', 'priority 1', '}', 'vi 2 {', 'priority 1', '}']);
});

test('~SEQ repeats a line; (var, end), (var, start, end) and (var, start, step, end)', () => {
  assert.deepEqual(run({ '/etc/k/main.conf': '~SEQ(i, 3) n$i' }).texts, ['n1', 'n2', 'n3']);
  assert.deepEqual(run({ '/etc/k/main.conf': '~SEQ(i, 5, 3) n${i}x' }).texts, ['n5x', 'n4x', 'n3x']);
  assert.deepEqual(run({ '/etc/k/main.conf': '~SEQ(i, 0, 5, 12) n$i' }).texts, ['n0', 'n5', 'n10']);
  assert.deepEqual(run({ '/etc/k/main.conf': '~SEQx(i, 9, 11) fd00::${i}' }).texts, ['fd00::9', 'fd00::a', 'fd00::b']);
});

test('~SEQ with a bad definition is an error', () => {
  const { texts, sink } = run({ '/etc/k/main.conf': '~SEQ(i, 1, 0, 3) x\n~SEQ(, 3) y' });
  assert.deepEqual(texts, []);
  assert.equal(sink.list.filter((d) => d.severity === 'error').length, 2);
});

test('an unreadable main file is fatal', () => {
  const sink = new DiagnosticSink();
  preprocess('/nope.conf', memoryReader({}), sink, { configId: null });
  assert.equal(sink.list[0]!.impact, 'fatal');
});

test('a file that includes itself twice stops at once with an error at the include line', () => {
  // Before the include-stack check this read 2^32 files (depth cap only) and never finished.
  const started = Date.now();
  const { texts, sink } = run({ '/etc/k/main.conf': 'a\ninclude main.conf\ninclude main.conf\nz' });
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  assert.deepEqual(texts, ['a', 'z']);
  const loops = sink.list.filter((d) => /includes itself/.test(d.message));
  assert.equal(loops.length, 2);
  assert.equal(loops[0]!.impact, 'fatal');
  assert.equal(loops[0]!.pos?.file, '/etc/k/main.conf');
  assert.equal(loops[0]!.pos?.line, 2);
  assert.equal(loops[1]!.pos?.line, 3);
});

test('a loop through another file is caught where it closes', () => {
  const { sink } = run({ '/etc/k/main.conf': 'include b.conf', '/etc/k/b.conf': 'b\ninclude main.conf' });
  const loop = sink.list.find((d) => /includes itself/.test(d.message));
  assert.equal(loop?.pos?.file, '/etc/k/b.conf');
  assert.equal(loop?.pos?.line, 2);
  assert.match(loop!.message, /'\/etc\/k\/main\.conf'/);
});

test('a diamond reads the shared file twice without an error (keepalived does not dedupe includes)', () => {
  const { texts, sink } = run({
    '/etc/k/main.conf': 'include b.conf\ninclude c.conf',
    '/etc/k/b.conf': 'b\ninclude d.conf',
    '/etc/k/c.conf': 'c\ninclude d.conf',
    '/etc/k/d.conf': 'd',
  });
  assert.deepEqual(texts, ['b', 'd', 'c', 'd']);
  assert.deepEqual(sink.list, []);
});

test('an exponential include tree without a loop stops at the file cap with one error', () => {
  // Each level includes the next twice: 2^31 reads without the cap.
  const files: Record<string, string> = { '/etc/k/main.conf': 'include l1.conf\ninclude l1.conf' };
  for (let i = 1; i < 31; i++) files[`/etc/k/l${i}.conf`] = `include l${i + 1}.conf\ninclude l${i + 1}.conf`;
  files['/etc/k/l31.conf'] = 'leaf';
  const started = Date.now();
  const { texts, sink } = run(files);
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  const caps = sink.list.filter((d) => /more than 10000 configuration files/.test(d.message));
  assert.equal(caps.length, 1);
  assert.equal(caps[0]!.impact, 'fatal');
  assert.ok(texts.length < 10_000);
});
