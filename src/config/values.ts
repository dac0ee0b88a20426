// Value parsers for keyword arguments. Each reports its own diagnostic and
// returns null on a bad value: an invalid value is an error, never a silent default.
import { formatIp, parseIp, type Family } from '../base/ip.ts';
import { millis, type Millis } from '../base/units.ts';
import type { DiagnosticSink, SourcePos } from './diagnostics.ts';
import type { Where } from './model.ts';
import type { Arg, Node } from './parser.ts';
import type { ScriptCommand } from './model.ts';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export const where = (p: SourcePos): Where => ({ file: p.file, line: p.line });

/** The argument at `index`, or a "missing parameter" error. */
export function arg(node: Node, index: number, sink: DiagnosticSink): Arg | null {
  const a = node.args[index];
  if (a === undefined) {
    sink.error(node.pos, `'${node.keyword}' is missing a parameter at word position ${index + 2}`);
    return null;
  }
  return a;
}

export function parseIntStrict(text: string): number | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

export function intArg(node: Node, index: number, min: number, max: number, sink: DiagnosticSink): number | null {
  const a = arg(node, index, sink);
  if (!a) return null;
  const n = parseIntStrict(a.text);
  if (n === null) { sink.error(a.pos, `${node.keyword}: invalid number '${a.text}'`); return null; }
  if (n < min || n > max) { sink.error(a.pos, `${node.keyword}: number '${a.text}' outside range [${min}, ${max}]`); return null; }
  return n;
}

/** keepalived <TIMER>: decimal seconds, microsecond resolution. */
export function timerArg(node: Node, index: number, minS: number, maxS: number, sink: DiagnosticSink): Millis | null {
  const a = arg(node, index, sink);
  if (!a) return null;
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(a.text)) { sink.error(a.pos, `${node.keyword}: invalid time '${a.text}'`); return null; }
  const s = Number(a.text);
  if (s < minS || s > maxS) { sink.error(a.pos, `${node.keyword}: time '${a.text}' outside range [${minS}, ${maxS}] seconds`); return null; }
  return millis(Math.round(s * 1_000_000) / 1000);
}

/** keepalived <BOOL>; a bare keyword means true. */
export function boolArg(node: Node, index: number, sink: DiagnosticSink): boolean | null {
  const a = node.args[index];
  if (a === undefined) return true;
  const t = a.text.toLowerCase();
  if (t === 'on' || t === 'true' || t === 'yes') return true;
  if (t === 'off' || t === 'false' || t === 'no') return false;
  sink.error(a.pos, `${node.keyword}: invalid boolean '${a.text}' (on|off|true|false|yes|no)`);
  return null;
}

export function noExtraArgs(node: Node, count: number, sink: DiagnosticSink): void {
  const extra = node.args[count];
  if (extra) sink.warning(extra.pos, `${node.keyword}: extra parameter '${extra.text}' ignored`);
}

export function addressArg(node: Node, index: number, sink: DiagnosticSink): { address: string; family: Family } | null {
  const a = arg(node, index, sink);
  if (!a) return null;
  return parseAddress(a, sink, node.keyword);
}

export function parseAddress(a: Arg, sink: DiagnosticSink, what: string): { address: string; family: Family } | null {
  const p = parseIp(a.text);
  if (!p) { sink.error(a.pos, `${what}: invalid IP address '${a.text}'`); return null; }
  return { address: formatIp(p.bytes), family: p.family };
}

/**
 * The end of a canonical dotted quad at the start of `text` (four decimal
 * octets 0..255 without leading zeros, followed by the end or '/'), or -1.
 * A VIP block of millions of lines is mostly these: they need no split, regex,
 * byte array or re-formatting, as their text is already the canonical form.
 */
export function canonicalV4End(text: string): number {
  let i = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) { if (text.charCodeAt(i) !== 0x2e) return -1; i++; } // '.'
    const from = i;
    let n = 0;
    while (i < text.length && i - from < 4) {
      const c = text.charCodeAt(i) - 0x30;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
      i++;
    }
    const len = i - from;
    if (len === 0 || len > 3 || n > 255 || (len > 1 && text.charCodeAt(from) === 0x30)) return -1;
  }
  return i === text.length || text.charCodeAt(i) === 0x2f ? i : -1;
}

/** `text` from `from` to its end as a number, when that is 1 to 3 ASCII digits; else null (the caller decides). */
export function smallDecimal(text: string, from: number): number | null {
  const n = text.length - from;
  if (n < 1 || n > 3) return null;
  let v = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return v;
}

/** ADDRESS[/PREFIX]; the prefix defaults to the full length. */
export function parsePrefixed(text: string): { address: string; family: Family; prefixLength: number } | null {
  const end = canonicalV4End(text);
  // Below 13 characters slice() copies (longer, V8 would keep a view into the line's text: the general path formats those).
  if (end >= 0 && end < 13) {
    const address = end === text.length ? text : text.slice(0, end);
    if (end === text.length) return { address, family: 4, prefixLength: 32 };
    const len = smallDecimal(text, end + 1) ?? parseIntStrict(text.slice(end + 1));
    return len === null || len < 0 || len > 32 ? null : { address, family: 4, prefixLength: len };
  }
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const p = parseIp(addrText);
  if (!p) return null;
  const max = p.family === 4 ? 32 : 128;
  // formatIp(p.bytes) is canonicalIp(addrText) without parsing the text a second time.
  if (slash < 0) return { address: formatIp(p.bytes), family: p.family, prefixLength: max };
  const len = parseIntStrict(text.slice(slash + 1));
  if (len === null || len < 0 || len > max) return null;
  return { address: formatIp(p.bytes), family: p.family, prefixLength: len };
}

/**
 * keepalived splits a command on blanks; single quotes keep blanks in one argument.
 * Runs are copied with slice(): a megabyte command is one pass, not a rope of characters.
 */
export function splitCommand(command: string): string[] {
  const out: string[] = [];
  let cur = '';
  let from = 0; // start of the run not yet added to cur
  let inWord = false;
  let quote = false;
  for (let i = 0; i < command.length; i++) {
    const c = command.charCodeAt(i);
    if (c === 0x27) { cur += command.slice(from, i); from = i + 1; quote = !quote; inWord = true; continue; } // '
    if (!quote && (c === 0x20 || c === 0x09)) {
      if (inWord) out.push(cur + command.slice(from, i));
      cur = '';
      from = i + 1;
      inWord = false;
      continue;
    }
    inWord = true;
  }
  if (inWord) out.push(cur + command.slice(from));
  return out;
}

/** `keyword COMMAND [user [group]]`: a quoted COMMAND may carry arguments. */
export function scriptArg(node: Node, index: number, sink: DiagnosticSink): ScriptCommand | null {
  const a = arg(node, index, sink);
  if (!a) return null;
  const argv = splitCommand(a.text);
  if (argv.length === 0) { sink.error(a.pos, `${node.keyword}: empty script`); return null; }
  const user = node.args[index + 1]?.text ?? null;
  const group = node.args[index + 2]?.text ?? null;
  noExtraArgs(node, index + 3, sink);
  return { command: a.text, argv, user, group, where: where(node.pos), userWhere: null };
}

/** `weight N [reverse|noreverse|no_reverse]` starting at args[index]. */
export function weightArgs(node: Node, index: number, min: number, max: number, sink: DiagnosticSink): { weight: number; reverse: boolean } | null {
  const w = intArg(node, index, min, max, sink);
  if (w === null) return null;
  const r = node.args[index + 1];
  if (r === undefined) return { weight: w, reverse: false };
  if (r.text === 'reverse') return { weight: w, reverse: true };
  if (r.text === 'noreverse' || r.text === 'no_reverse') return { weight: w, reverse: false };
  sink.error(r.pos, `${node.keyword}: unknown weight option '${r.text}'`);
  return { weight: w, reverse: false };
}
