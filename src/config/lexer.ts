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

/** Strips the comment and finds a trailing continuation; returns null text for blank lines. */
function stripLine(raw: string): { text: string; continued: boolean; unterminatedQuote: boolean } {
  if (!SPECIAL_RE.test(raw)) return { text: raw.trim(), continued: false, unterminatedQuote: false };
  let out = '';
  let quote: string | null = null;
  let continued = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      if (i === raw.length - 1 || /^\s*$/.test(raw.slice(i + 1))) { continued = true; break; }
      const next = raw[i + 1]!;
      if (quote === null && (next === '#' || next === '!')) { out += next; i++; continue; }
      out += c + next;
      i++;
      continue;
    }
    if (quote !== null) {
      if (c === quote) quote = null;
      out += c;
      continue;
    }
    if (c === '"' || c === "'") { quote = c; out += c; continue; }
    if (c === '#' || c === '!') break;
    out += c;
  }
  return { text: out.trim(), continued, unterminatedQuote: quote !== null };
}

/** Splits a file into logical lines (blank and comment-only lines dropped). */
export function splitLines(source: string, file: string, sink: DiagnosticSink): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = source.split(/\r?\n/);
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i]!;
    const { text, continued, unterminatedQuote } = stripLine(raw);
    const lead = raw.length - raw.trimStart().length;
    const pos = { file, line: i + 1, col: lead + 1 };
    if (unterminatedQuote) {
      sink.error(pos, `Unterminated quote '${text}' - line ignored`); // keepalived drops the line too
      continue;
    }
    if (text === '' && !continued) continue;
    out.push({ text, pos, continued });
  }
  return out;
}

const TOKEN_SPECIAL_RE = /[{}"'\\$]/;

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

/** Splits a logical line into words. `col0` is the column of text[0]. */
export function tokenize(text: string, col0: number): Word[] {
  const words: Word[] = [];
  if (!TOKEN_SPECIAL_RE.test(text)) {
    // Common case: plain words separated by blanks.
    let start = -1;
    for (let i = 0; i <= text.length; i++) {
      const c = text.charCodeAt(i); // NaN past the end
      const blank = c === 32 || c === 9 || i === text.length;
      if (!blank && start < 0) start = i;
      else if (blank && start >= 0) { words.push({ text: text.slice(start, i), col: col0 + start, quoted: false }); start = -1; }
    }
    return words;
  }
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '{' || c === '}') { words.push({ text: c, col: col0 + i, quoted: false }); i++; continue; }
    const start = i;
    let buf = '';
    let quoted = false;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === ' ' || ch === '\t' || ch === '{' || ch === '}') break;
      if (ch === '"' || ch === "'") {
        quoted = true;
        i++;
        while (i < text.length && text[i] !== ch) {
          if (text[i] === '\\') {
            const [t, n] = readEscape(text, i + 1);
            buf += t;
            i += 1 + n;
          } else buf += text[i++];
        }
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
      buf += ch;
      i++;
    }
    words.push({ text: buf, col: col0 + start, quoted });
  }
  return words;
}
