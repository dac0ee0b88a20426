// keepalived.conf lexing: physical lines → logical lines → words.
// Comments start with '#' or '!' anywhere outside quotes ('\#' escapes one);
// a trailing '\' continues the line; '{' and '}' outside quotes are words of
// their own; quotes work as in a shell: `a" b "c` is one word `a b c`.
import type { DiagnosticSink, SourcePos } from './diagnostics.ts';

export interface Word {
  readonly text: string;
  readonly col: number;
  /** True if any part of the word was quoted: a quoted "{" is not a brace. */
  readonly quoted: boolean;
}

export interface LogicalLine {
  /** Text without comment and surrounding blanks. */
  readonly text: string;
  readonly pos: SourcePos;
  /** The physical line ended with '\' (multi-line definitions need to know). */
  readonly continued: boolean;
}

const SPECIAL_RE = /[#!"'\\]/;

/**
 * Strips the comment and finds a trailing continuation; returns null text for blank lines.
 * Copies runs of the line with slice(), never a character at a time: a line of
 * megabytes must cost one pass, not a rope of millions of one-character pieces.
 */
function stripLine(raw: string): { text: string; continued: boolean; unterminatedQuote: boolean } {
  let out = '';
  let from = 0; // start of the run not yet copied to out
  let quote: string | null = null;
  let continued = false;
  // A '\\' followed only by blanks continues the line: it is then the last non-blank character.
  const lastNonBlank = raw.trimEnd().length - 1;
  let i = 0;
  for (; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      if (i >= lastNonBlank) { continued = true; break; }
      const next = raw[i + 1]!;
      if (quote === null && (next === '#' || next === '!')) { out += raw.slice(from, i); from = i + 1; } // drop the '\\', keep the '#'
      i++;
      continue;
    }
    if (quote !== null) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") { quote = c; continue; }
    if (c === '#' || c === '!') break;
  }
  out += raw.slice(from, i);
  return { text: out.trim(), continued, unterminatedQuote: quote !== null };
}

/** Width of the leading whitespace, as `s.length - s.trimStart().length` (without building the trimmed copy). */
export function leadingBlanks(s: string): number {
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  const c = s.charCodeAt(i);
  // trimStart also strips \n\v\f\r and Unicode blanks: rare, so let it decide those.
  if (i < s.length && (c < 33 || c > 127)) return s.length - s.trimStart().length;
  return i;
}

/** Splits a file into logical lines (blank and comment-only lines dropped). */
export function splitLines(source: string, file: string, sink: DiagnosticSink): LogicalLine[] {
  const out: LogicalLine[] = [];
  eachLine(source, file, sink, (text, pos, continued) => out.push({ text, pos, continued }));
  return out;
}

/** A logical line's parts, passed as arguments (no object per line). */
export type LineFn = (text: string, pos: SourcePos, continued: boolean) => void;

/**
 * splitLines() one line at a time: `fn` gets each logical line as it is cut,
 * so a file of millions of lines never holds them all. An unterminated quote
 * is reported for the whole file before the first line is handed on (where
 * splitLines always reported it), by a first pass that looks only at lines
 * holding a quote.
 */
export function eachLine(source: string, file: string, sink: DiagnosticSink, fn: LineFn, plain: PlainLineFn | null = null): void {
  reportUnterminatedQuotes(source, file, sink);
  cutLines(source, file, null, fn, plain);
}

/**
 * Offered first each line cut as is (printable ASCII ends, no comment, quote or
 * continuation), with its position as numbers: true if it took the line (then
 * `fn` does not get it), false to have it handed to `fn`. No position object is made for a line it takes.
 */
export type PlainLineFn = (text: string, file: string, line: number, col: number) => boolean;

function reportUnterminatedQuotes(source: string, file: string, sink: DiagnosticSink): void {
  // Most files hold no quote at all: two native scans, and no line is cut.
  if (source.indexOf('"') < 0 && source.indexOf("'") < 0) return;
  cutLines(source, file, sink, null, null);
}

/**
 * The line cutter. With `sink` (and no fn) it only reports unterminated quotes;
 * with `fn` (and no sink) it hands on every line that has no unterminated quote.
 */
function cutLines(source: string, file: string, sink: DiagnosticSink | null, fn: LineFn | null, plain: PlainLineFn | null): void {
  // The same pieces as source.split(/\r?\n/), without the array of every physical line.
  let lineNo = 0;
  for (let start = 0; start <= source.length; ) {
    let end = source.indexOf('\n', start);
    if (end < 0) end = source.length;
    const stop = end > start && source.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const from = start;
    start = end + 1;
    lineNo++;
    // Common case: blanks are spaces and tabs only, and the words hold no comment,
    // quote or continuation: the text is cut once, with no copy of the raw line.
    let a = from;
    let b = stop;
    while (a < b && (source.charCodeAt(a) === 32 || source.charCodeAt(a) === 9)) a++;
    while (b > a && (source.charCodeAt(b - 1) === 32 || source.charCodeAt(b - 1) === 9)) b--;
    const ca = source.charCodeAt(a);
    const cb = source.charCodeAt(b - 1);
    if (a === b) continue; // a blank line (spaces and tabs only)
    else if (ca > 32 && ca < 127 && cb > 32 && cb < 127) {
      const text = source.slice(a, b);
      if (!SPECIAL_RE.test(text)) {
        if (fn !== null && (plain === null || !plain(text, file, lineNo, a - from + 1))) fn(text, { file, line: lineNo, col: a - from + 1 }, false);
        continue;
      }
    }
    const raw = source.slice(from, stop);
    if (!SPECIAL_RE.test(raw)) {
      // Common case: no comment, quote or continuation (and no result object to allocate).
      if (fn === null) continue;
      const text = raw.trim();
      // text[0] is the first non-blank character of raw, so its first index there is the indent.
      if (text !== '') fn(text, { file, line: lineNo, col: raw.indexOf(text[0]!) + 1 }, false);
      continue;
    }
    const { text, continued, unterminatedQuote } = stripLine(raw);
    const pos = { file, line: lineNo, col: leadingBlanks(raw) + 1 };
    if (unterminatedQuote) {
      sink?.error(pos, `Unterminated quote '${text}' - line ignored`); // keepalived drops the line too
      continue;
    }
    if (fn === null || (text === '' && !continued)) continue;
    fn(text, pos, continued);
  }
}

const TOKEN_SPECIAL_RE = /["'\\$]/;
/** A line that is one word with nothing to interpret: no blank, quote, backslash, '$' or brace. */
const ONE_WORD_RE = /^[^ \t"'\\${}]+$/;
const BLANK_RE = /[ \t]/;

/**
 * Words of a line without quotes, backslashes or '$': split on single blanks
 * natively (a word's column follows from the lengths before it), then braces
 * split out of the few pieces that hold one. The array is allocated at its size.
 */
function plainWords(text: string, col0: number, place: (t: string, col: number, quoted: boolean) => PlacedWord): PlacedWord[] {
  const pieces = text.indexOf('\t') < 0 ? text.split(' ') : text.split(BLANK_RE);
  let count = 0;
  for (const piece of pieces) {
    if (piece.indexOf('{') >= 0 || piece.indexOf('}') >= 0) return bracedWords(pieces, col0, place);
    if (piece !== '') count++;
  }
  const words = new Array<PlacedWord>(count);
  let n = 0;
  let at = 0;
  for (const piece of pieces) {
    if (piece !== '') words[n++] = place(piece, col0 + at, false);
    at += piece.length + 1;
  }
  return words;
}

function bracedWords(pieces: readonly string[], col0: number, place: (t: string, col: number, quoted: boolean) => PlacedWord): PlacedWord[] {
  const words: PlacedWord[] = [];
  let at = 0;
  for (const piece of pieces) {
    let from = 0;
    for (let k = 0; k < piece.length; k++) {
      const c = piece.charCodeAt(k);
      if (c !== 0x7b && c !== 0x7d) continue; // '{' '}'
      if (k > from) words.push(place(piece.slice(from, k), col0 + at + from, false));
      words.push(place(piece[k]!, col0 + at + k, false));
      from = k + 1;
    }
    if (from < piece.length) words.push(place(from === 0 ? piece : piece.slice(from), col0 + at + from, false));
    at += piece.length + 1;
  }
  return words.slice(); // a pushed array keeps room for 17: the copy is the size it holds
}

/** Characters that end a plain run inside a word. */
const WORD_STOP = new Set([' ', '\t', '{', '}', '"', "'", '\\', '$']);

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Reads one escape inside quotes starting after the backslash; returns [text, consumed]. */
function readEscape(s: string, i: number): [string, number] {
  const c = s[i];
  if (c === undefined) return ['\\', 0];
  if (ESCAPES[c] !== undefined) return [ESCAPES[c]!, 1];
  if (c === 'x') {
    const m = /^[0-9a-fA-F]+/.exec(s.slice(i + 1));
    if (m) return [String.fromCharCode(parseInt(m[0].slice(-2), 16)), 1 + m[0].length];
  }
  const oct = /^[0-7]{1,3}/.exec(s.slice(i));
  if (oct) return [String.fromCharCode(parseInt(oct[0], 8) & 0xff), oct[0].length];
  if (c === 'c' && s[i + 1] !== undefined) return [String.fromCharCode(s.charCodeAt(i + 1) & 0x1f), 2];
  return [c, 1];
}

/** A word with its file:line:col: the parser hands these out as a statement's arguments as they are. */
export interface PlacedWord {
  readonly text: string;
  readonly pos: SourcePos;
  readonly quoted: boolean;
}

/** Splits a logical line into words. `col0` is the column of text[0]. */
export function tokenize(text: string, col0: number): Word[] {
  return tokenizeAt(text, col0, { file: '', line: 0, col: col0 }).map((w) => ({ text: w.text, col: w.pos.col, quoted: w.quoted }));
}

/**
 * tokenize() for a line at `at`: each word carries its SourcePos (`at` itself
 * when the column is the same), so no later stage copies words to place them.
 */
export function tokenizeAt(text: string, col0: number, at: SourcePos): PlacedWord[] {
  // One plain word (every line of a VIP block): no split, no closure.
  if (ONE_WORD_RE.test(text)) return [{ text, pos: col0 === at.col ? at : { file: at.file, line: at.line, col: col0 }, quoted: false }];
  const place = (t: string, col: number, quoted: boolean): PlacedWord =>
    ({ text: t, pos: col === at.col ? at : { file: at.file, line: at.line, col }, quoted });
  if (!TOKEN_SPECIAL_RE.test(text)) return plainWords(text, col0, place);
  const words: PlacedWord[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '{' || c === '}') { words.push(place(c, col0 + i, false)); i++; continue; }
    const start = i;
    let buf = '';
    let quoted = false;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === ' ' || ch === '\t' || ch === '{' || ch === '}') break;
      if (ch === '"' || ch === "'") {
        quoted = true;
        i++;
        // Runs between escapes are copied whole (see stripLine).
        let from = i;
        while (i < text.length && text[i] !== ch) {
          if (text[i] === '\\') {
            buf += text.slice(from, i);
            const [t, n] = readEscape(text, i + 1);
            buf += t;
            i += 1 + n;
            from = i;
          } else i++;
        }
        buf += text.slice(from, Math.min(i, text.length));
        i++; // closing quote (lexer already reported an unterminated one)
        continue;
      }
      if (ch === '\\' && i + 1 < text.length) { buf += text[i + 1]; i += 2; continue; }
      if (ch === '$' && text[i + 1] === '{' && text.indexOf('}', i) > 0) {
        // An undefined ${NAME} stays in the text as keepalived leaves it; its braces are not blocks.
        const close = text.indexOf('}', i);
        buf += text.slice(i, close + 1);
        i = close + 1;
        continue;
      }
      const from = i;
      while (i < text.length && !WORD_STOP.has(text[i]!)) i++;
      if (i === from) { buf += ch; i++; continue; } // a lone '\\' at the end, or '$' not starting ${NAME}
      buf += text.slice(from, i);
    }
    words.push(place(buf, col0 + start, quoted));
  }
  return words.slice(); // sized to fit, as in bracedWords
}
