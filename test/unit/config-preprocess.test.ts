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
  assert.ok(sink.list.some((d) => /nesting/.test(d.message)));
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
