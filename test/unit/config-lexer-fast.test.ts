// The lexer's fast paths (plain lines split natively, braces split out of the
// pieces, words placed once) against a character-by-character reference of
// the rule: blanks are ' ' and '\t', '{' and '}' are words of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkConfig } from '../../src/config/check.ts';
import { DiagnosticSink } from '../../src/config/diagnostics.ts';
import { leadingBlanks, splitLines, tokenize, tokenizeAt } from '../../src/config/lexer.ts';
import { memoryReader } from '../../src/config/source.ts';

/** The rule for text without quotes, backslashes or '$', one character at a time. */
function reference(text: string, col0: number): { text: string; col: number }[] {
  const out: { text: string; col: number }[] = [];
  let start = -1;
  const flush = (i: number) => { if (start >= 0) out.push({ text: text.slice(start, i), col: col0 + start }); start = -1; };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') flush(i);
    else if (c === '{' || c === '}') { flush(i); out.push({ text: c, col: col0 + i }); }
    else if (start < 0) start = i;
  }
  flush(text.length);
  return out;
}

const plainText = fc.array(fc.constantFrom('a', 'vrid', '10.0.0.1/24', ' ', '  ', '\t', '{', '}', 'x{', '}y', '\u00a0', '\v', '\r', 'é'), { maxLength: 30 })
  .map((a) => a.join(''));

test('plain lines split into the same words and columns as the character rule', () => {
  fc.assert(fc.property(plainText, fc.integer({ min: 1, max: 40 }), (text, col0) => {
    const got = tokenize(text, col0).map((w) => ({ text: w.text, col: w.col }));
    assert.deepEqual(got, reference(text, col0));
    assert.ok(tokenize(text, col0).every((w) => !w.quoted));
  }), { numRuns: 2000 });
});

test('placed words carry file:line:col, and the first word shares the line position', () => {
  const at = { file: '/k.conf', line: 7, col: 3 };
  const ws = tokenizeAt('state  BACKUP{', 3, at);
  assert.deepEqual(ws.map((w) => [w.text, w.pos]), [
    ['state', at], ['BACKUP', { file: '/k.conf', line: 7, col: 10 }], ['{', { file: '/k.conf', line: 7, col: 16 }],
  ]);
  assert.equal(ws[0]!.pos, at);
});

test('leadingBlanks is the width trimStart removes', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom(' ', '\t', '\v', '\f', '\r', '\u00a0', '\u2003', '\ufeff', 'a', '#', '\x01')).map((a) => a.join('')), (s) => {
    assert.equal(leadingBlanks(s), s.length - s.trimStart().length);
  }), { numRuns: 2000 });
});

test('splitLines cuts at \\n and \\r\\n only, and keeps each line number and indent', () => {
  const lines = splitLines('a\r\n  b\rc\n\n\t d', 'f', new DiagnosticSink());
  assert.deepEqual(lines.map((l) => [l.text, l.pos.line, l.pos.col]), [['a', 1, 1], ['b\rc', 2, 3], ['d', 4, 3]]);
});

test('auth_pass longer than 8 bytes in UTF-8 gets keepalived\'s warning, counted as keepalived sees bytes', () => {
  const conf = (pass: string) => `vrrp_instance V {\n interface eth0\n virtual_router_id 1\n authentication {\n  auth_type PASS\n  auth_pass ${pass}\n }\n virtual_ipaddress {\n  10.0.0.1/24\n }\n}\n`;
  const notes = (pass: string) => checkConfig('/k.conf', memoryReader({ '/k.conf': conf(pass) }), { configId: null, env: null })
    .diagnostics.filter((d) => d.message.includes('Truncating auth_pass to 8 characters') && d.severity === 'warning').length;
  assert.equal(notes('12345678'), 0);
  assert.equal(notes('123456789'), 1);
  assert.equal(notes('1234567é'), 1); // 8 characters, 9 bytes
  assert.equal(notes('123456é'), 0); // 7 characters, 8 bytes
  assert.equal(notes('12345\u{1d11e}'), 1); // a surrogate pair is 4 bytes
});

test('a one-word line (the fast path) is placed as plainWords places it', () => {
  const at = { file: '/k.conf', line: 9, col: 5 };
  const one = tokenizeAt('10.0.0.1/32', 5, at);
  assert.deepEqual(one.map((w) => [w.text, w.pos, w.quoted]), [['10.0.0.1/32', at, false]]);
  assert.equal(one[0]!.pos, at);
  // A word that does not start the line (after @id or a substitution) has its own column.
  assert.deepEqual(tokenizeAt('x', 9, at).map((w) => w.pos), [{ file: '/k.conf', line: 9, col: 9 }]);
  for (const t of ['a{', '}', 'a"b"', 'a\\b', '$X', 'a b', 'a\tb']) assert.deepEqual(tokenize(t, 1), tokenize(` ${t}`, 0).map((w) => ({ ...w })), t);
});

/** splitLines as it was before its fast path: every line sliced whole, then trimmed. */
function splitLinesReference(source: string): { text: string; pos: unknown; continued: boolean }[] {
  const out: { text: string; pos: unknown; continued: boolean }[] = [];
  const raws = source.split(/\r?\n/);
  raws.forEach((raw, i) => {
    if (/[#!"'\\]/.test(raw)) { out.push(...splitLines(raw, 'f', new DiagnosticSink()).map((l) => ({ ...l, pos: { ...l.pos, line: i + 1 } }))); return; }
    const text = raw.trim();
    if (text !== '') out.push({ text, pos: { file: 'f', line: i + 1, col: raw.indexOf(text[0]!) + 1 }, continued: false });
  });
  return out;
}

test('splitLines cuts, trims and places lines as slicing each whole line and trimming it does', () => {
  const piece = fc.constantFrom(' ', '\t', '\r', '\n', '\r\n', 'a', 'bc', '{', '}', '#', '"', '\\', '\u00a0', '\v', '\u2028', 'é', '10.0.0.1/32');
  fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
    const src = parts.join('');
    assert.deepEqual(splitLines(src, 'f', new DiagnosticSink()), splitLinesReference(src));
  }), { numRuns: 3000 });
});
