import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSink } from '../../src/config/diagnostics.ts';
import { parse, type Node } from '../../src/config/parser.ts';
import { preprocess } from '../../src/config/preprocess.ts';
import { memoryReader } from '../../src/config/source.ts';

function tree(text: string) {
  const sink = new DiagnosticSink();
  const lines = preprocess('/c.conf', memoryReader({ '/c.conf': text }), sink, { configId: null });
  return { nodes: parse(lines, sink), sink };
}

const shape = (ns: readonly Node[]): unknown =>
  ns.map((n) => [n.keyword, ...n.args.map((a) => a.text), ...(n.children ? [shape(n.children)] : [])]);

test('blocks with braces attached, on the next line, or on one line give the same tree', () => {
  const a = tree('vi A {\n  k 1\n  t {\n    x\n  }\n}').nodes;
  const b = tree('vi A{\n  k 1\n  t\n  {\n    x}\n}').nodes;
  const c = tree('vi A\n{\n  k 1\n  t { x }\n}').nodes;
  const want = [['vi', 'A', [['k', '1'], ['t', [['x']]]]]];
  assert.deepEqual(shape(a), want);
  assert.deepEqual(shape(b), want);
  assert.deepEqual(shape(c), want);
});

test('every node keeps file:line:col', () => {
  const { nodes } = tree('vi A {\n    k 1\n}');
  const k = nodes[0]!.children![0]!;
  assert.deepEqual(k.pos, { file: '/c.conf', line: 2, col: 5 });
  assert.deepEqual(k.args[0]!.pos, { file: '/c.conf', line: 2, col: 7 });
  assert.equal(nodes[0]!.end?.line, 3);
});

test('an unterminated block is reported at its opening line', () => {
  const { sink } = tree('a {\n b {\n  c\n }\n');
  assert.equal(sink.list.length, 1);
  assert.equal(sink.list[0]!.pos?.line, 1);
  assert.match(sink.list[0]!.message, /missing '}'/);
});

test("an extra '}' is reported where it is", () => {
  const { sink, nodes } = tree('a {\n}\n}\nb');
  assert.deepEqual(sink.list.map((d) => [d.pos?.line, d.message]), [[3, "Extra '}' found"]]);
  assert.deepEqual(shape(nodes), [['a', []], ['b']]);
});
