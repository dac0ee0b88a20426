import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSink } from '../../src/config/diagnostics.ts';
import { splitLines, tokenize } from '../../src/config/lexer.ts';

const words = (s: string) => tokenize(s, 1).map((w) => w.text);

test('comments start with # or ! anywhere outside quotes', () => {
  const sink = new DiagnosticSink();
  const lines = splitLines('a b # c\n! whole line\nx "y # z" ! tail\nq\\#r', 'f', sink);
  assert.deepEqual(lines.map((l) => l.text), ['a b', 'x "y # z"', 'q#r']);
  assert.deepEqual(lines.map((l) => l.pos.line), [1, 3, 4]);
});

test('blank and comment-only lines are dropped, positions kept', () => {
  const lines = splitLines('\n\n   foo bar\n', 'file.conf', new DiagnosticSink());
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0]!.pos, { file: 'file.conf', line: 3, col: 4 });
});

test('a trailing backslash marks a continued line', () => {
  const lines = splitLines('$X= \\\nline one \\\nlast', 'f', new DiagnosticSink());
  assert.deepEqual(lines.map((l) => [l.text, l.continued]), [['$X=', true], ['line one', true], ['last', false]]);
});

test('an unterminated quote is an error and the line is dropped', () => {
  const sink = new DiagnosticSink();
  const lines = splitLines('ok\nnotify "x\nafter', 'f', sink);
  assert.deepEqual(lines.map((l) => l.text), ['ok', 'after']);
  assert.equal(sink.list.length, 1);
  assert.equal(sink.list[0]!.severity, 'error');
  assert.equal(sink.list[0]!.pos?.line, 2);
});

test('braces are words of their own unless quoted', () => {
  assert.deepEqual(words('vrrp_instance VI_1{'), ['vrrp_instance', 'VI_1', '{']);
  assert.deepEqual(words('10.0.0.1}'), ['10.0.0.1', '}']);
  assert.deepEqual(words('track_script { chk }'), ['track_script', '{', 'chk', '}']);
  const quoted = tokenize('"{"', 1);
  assert.deepEqual(quoted.map((w) => [w.text, w.quoted]), [['{', true]]);
});

test('quotes join like a shell: a" b "c is one word', () => {
  assert.deepEqual(words('abcd" efg h jkl "mnop'), ['abcd efg h jkl mnop']);
  assert.deepEqual(words('abcd "efg h jkl" mnop'), ['abcd', 'efg h jkl', 'mnop']);
  assert.deepEqual(words("script '/bin/a b' x"), ['script', '/bin/a b', 'x']);
});

test('escapes inside quotes', () => {
  assert.deepEqual(words('"a\\tb" "q\\"q" "\\x41\\101"'), ['a\tb', 'q"q', 'AA']);
});

test('columns are 1-based and point at each word', () => {
  const ws = tokenize('ab  cd {', 5);
  assert.deepEqual(ws.map((w) => w.col), [5, 9, 12]);
});
