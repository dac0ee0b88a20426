// Line-level features of keepalived.conf, applied in file order before the
// block structure is built: include (with globs), @ID / @^ID conditional
// lines, $NAME=value definitions (multi-line with trailing '\'), $NAME and
// ${NAME} substitution, and ~SEQ(var, start, step, end) repetition.
import type { DiagnosticSink, SourcePos } from './diagnostics.ts';
import { eachLine, leadingBlanks, tokenize, tokenizeAt, type LogicalLine, type PlacedWord } from './lexer.ts';
import { dirname, hasGlobMagic, resolvePath, type ConfigReader } from './source.ts';

export interface Line {
  readonly words: readonly PlacedWord[];
  readonly pos: SourcePos;
}

export interface PreprocessOptions {
  /** -i/--config-id; keepalived defaults it to the short host name. */
  readonly configId: string | null;
}

const MAX_INCLUDE_DEPTH = 32; // keepalived stops at a similar depth
// Files read in one check, counting a file each time it is included. Without a
// bound, a tree of includes can be exponential without being a loop (each
// level including the next twice: 2^32 reads at depth 32), and a reload check
// is synchronous, so it would freeze a running daemon. Real configs read tens
// to a few hundred files; 10,000 small files still read in about a second.
export const MAX_FILES_READ = 10_000;
const MAX_SUBST_DEPTH = 32;
const MAX_SEQ_COUNT = 100_000;
const INCLUDE_RE = /^include([rmwba]?)\s+(.+)$/;
const DEF_RE = /^\$([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const SEQ_RE = /^~SEQ(x?)\s*\(([^)]*)\)\s*(.*)$/;
const CH_I = 0x69; // 'i'
const CH_DOLLAR = 0x24; // '$'
const CH_TILDE = 0x7e; // '~'
const CH_0 = 0x30;
const CH_9 = 0x39;

function digitsDotsSlashes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < CH_0 || c > CH_9) && c !== 0x2e && c !== 0x2f) return false;
  }
  return true;
}

interface Definition {
  readonly lines: readonly string[]; // one entry for a single-line definition
  readonly multiline: boolean;
}

class Preprocessor {
  private readonly defs = new Map<string, Definition>();
  /** Files being read now (the include stack): one of them included again is a loop. */
  private readonly open = new Set<string>();
  private filesRead = 0;
  private stopped = false;

  constructor(
    private readonly reader: ConfigReader,
    private readonly sink: DiagnosticSink,
    private readonly options: PreprocessOptions,
    private readonly emit: WordsFn,
    private readonly plain: PlainFn | null,
  ) {}

  file(path: string, depth: number, from: SourcePos | null, strict: boolean): void {
    if (this.stopped) return;
    if (this.open.has(path)) {
      // keepalived 2.2.7 has no check: it recurses until it runs out of file descriptors.
      this.sink.error(from, `Configuration file '${path}' includes itself (include loop) - skipping`, 'fatal');
      return;
    }
    if (++this.filesRead > MAX_FILES_READ) {
      this.stopped = true;
      this.sink.error(from, `more than ${MAX_FILES_READ} configuration files read (includes fan out too much?) - stopping`, 'fatal');
      return;
    }
    const read = this.reader.read(path);
    if ('refused' in read) { this.refused(path, read.refused, from, strict); return; }
    this.open.add(path);
    try { this.lines(read.text, path, depth); } finally { this.open.delete(path); }
  }

  private lines(content: string, path: string, depth: number): void {
    // Lines are handled as they are cut (never a list of the file's lines);
    // `body` collects a multi-line $NAME= definition until its last line.
    let body: { name: string; lines: string[] } | null = null;
    const plain = this.plain;
    eachLine(content, path, this.sink, (text, pos, continued) => {
      if (body !== null) {
        if (text !== '') body.lines.push(text);
        if (!continued) { this.defs.set(body.name, { lines: body.lines, multiline: true }); body = null; }
        return;
      }
      const first = text.charCodeAt(0);
      // The anchored regexes run only on lines that can match ('i'nclude, '$'NAME=): most lines are neither.
      const inc = first === CH_I ? INCLUDE_RE.exec(text) : null;
      if (inc) { this.include(inc[2]!.trim(), inc[1] !== '', pos, dirname(path), depth); return; }
      const def = first === CH_DOLLAR ? DEF_RE.exec(text) : null;
      if (def && continued && def[2]!.trim() === '') { body = { name: def[1]!, lines: [] }; return; }
      this.line(text, pos, 0);
    }, plain === null ? null : (text, file, line, col) => {
      // A line of digits, dots and slashes (a VIP line) has nothing to preprocess and is one plain word:
      // the caller may take it as it is (see PlainFn); line() would hand on exactly this word at this position.
      const first = text.charCodeAt(0);
      return body === null && first >= CH_0 && first <= CH_9 && digitsDotsSlashes(text) && plain(text, file, line, col);
    });
    // A definition still open at the end of the file holds what was read of it.
    if (body !== null) { const b: { name: string; lines: string[] } = body; this.defs.set(b.name, { lines: b.lines, multiline: true }); }
  }

  /**
   * keepalived only logs a file it does not read (plain include, and even the
   * main file: its -t then exits 0). A main file we cannot read is fatal on
   * purpose (docs/config-compat.md): a typo in -f must not pass a check.
   */
  private refused(path: string, why: 'missing' | 'directory' | 'notRegular', from: SourcePos | null, strict: boolean): void {
    const what = why === 'missing' ? `Config files missing '${path}'.`
      : why === 'directory' ? `Configuration file '${path.endsWith('/') ? path : path + '/'}' is a directory`
      : `Configuration file '${path}' is not a regular non-executable file`;
    if (from === null) this.sink.error(null, why === 'missing' ? `Unable to read configuration file ${path}` : `${what} - cannot use it`, 'fatal');
    else if (strict) this.sink.error(from, why === 'missing' ? what : `${what} - skipping`, 'fatal');
    else if (why === 'missing') this.sink.warning(from, what, 'none');
    else this.sink.warning(from, `${what} - skipping`, 'none');
  }

  private include(pattern: string, strict: boolean, pos: SourcePos, dir: string, depth: number): void {
    if (depth >= MAX_INCLUDE_DEPTH) { this.sink.error(pos, `include nesting deeper than ${MAX_INCLUDE_DEPTH} (a loop?)`, 'fatal'); return; }
    const words = tokenize(this.substitute(pattern), pos.col).map((w) => w.text);
    for (const w of words) {
      const full = resolvePath(dir, w);
      if (!hasGlobMagic(full)) { this.file(full, depth + 1, pos, strict); continue; }
      const matches = this.reader.glob(full);
      if (matches.length === 0) {
        if (strict) this.sink.error(pos, `No config files matched '${full}'.`, 'fatal');
        else this.sink.note(pos, `include pattern '${full}' matched no files`);
      }
      for (const m of matches) this.file(m, depth + 1, pos, strict);
    }
  }

  private line(text: string, pos: SourcePos, depth: number): void {
    if (depth > MAX_SUBST_DEPTH) { this.sink.error(pos, 'definitions nest too deeply (recursive $NAME?)'); return; }
    let body = text;
    if (body.startsWith('@')) {
      const m = /^@(\^?)(\S*)\s*([\s\S]*)$/.exec(body)!; // [\s\S]: a lone \r in the line must not fail the match
      const matches = m[2] === this.options.configId;
      if ((m[1] === '^') === matches) return;
      body = m[3]!;
      if (body === '') return;
    }
    const first = body.charCodeAt(0);
    const seq = first === CH_TILDE ? SEQ_RE.exec(body) : null;
    if (seq) { this.seq(seq, pos, depth); return; }
    const def = first === CH_DOLLAR ? DEF_RE.exec(body) : null;
    if (def) { this.defs.set(def[1]!, { lines: [def[2]!], multiline: false }); return; }
    if (body.includes('$')) {
      const whole = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(body);
      const ml = whole ? this.defs.get(whole[1]!) : undefined;
      if (ml?.multiline) { for (const l of ml.lines) this.line(l, pos, depth + 1); return; }
      const replaced = this.substitute(body);
      if (replaced !== body) { this.line(replaced, pos, depth + 1); return; }
    }
    const lead = leadingBlanks(text);
    const words = tokenizeAt(body, pos.col + lead + (text.length - lead - body.length), pos);
    if (words.length > 0) this.emit(words, pos);
  }

  /** One pass of substitution; keepalived leaves unknown names as they are. */
  private substitute(text: string): string {
    return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)(?=\s|$)/g, (all, braced?: string, bare?: string) => {
      const d = this.defs.get((braced ?? bare)!);
      return d ? d.lines.join(' ') : all;
    });
  }

  private seq(m: RegExpExecArray, pos: SourcePos, depth: number): void {
    const parts = this.substitute(m[2]!).split(',').map((s) => s.trim());
    const name = parts[0] ?? '';
    const nums = parts.slice(1).map((s) => Number(s));
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || nums.length < 1 || nums.length > 3 || nums.some((n) => !Number.isInteger(n))) {
      this.sink.error(pos, `Invalid ~SEQ definition '${m[0]}'`);
      return;
    }
    let start: number, step: number, end: number;
    if (nums.length === 1) { end = nums[0]!; start = end < 0 ? -1 : 1; step = end < 1 ? -1 : 1; }
    else if (nums.length === 2) { start = nums[0]!; end = nums[1]!; step = start <= end ? 1 : -1; }
    else { start = nums[0]!; step = nums[1]!; end = nums[2]!; }
    if (step === 0 || (step > 0 ? start > end : start < end) || Math.abs((end - start) / step) > MAX_SEQ_COUNT) {
      this.sink.error(pos, `Invalid ~SEQ values '${m[0]}'`);
      return;
    }
    const saved = this.defs.get(name);
    for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
      this.defs.set(name, { lines: [m[1] === 'x' ? v.toString(16) : String(v)], multiline: false });
      this.line(m[3]!, pos, depth + 1);
    }
    if (saved) this.defs.set(name, saved); else this.defs.delete(name);
  }
}

/** A word line's words and position, passed as arguments (no object per line). */
export type WordsFn = (words: readonly PlacedWord[], pos: SourcePos) => void;

/**
 * A line that is one word of digits, dots and slashes, offered before it is
 * made a word list: true if the callee took it (then `emit` does not get it),
 * false to have it emitted as usual.
 */
export type PlainFn = (text: string, file: string, line: number, col: number) => boolean;

/** Reads `mainPath` and everything it includes, handing each word line to `emit` (or `plain`) in reading order. */
export function preprocessTo(mainPath: string, reader: ConfigReader, sink: DiagnosticSink, options: PreprocessOptions, emit: WordsFn, plain: PlainFn | null = null): void {
  new Preprocessor(reader, sink, options, emit, plain).file(mainPath, 0, null, false);
}

/** The same, as a list of every word line (tests). */
export function preprocess(mainPath: string, reader: ConfigReader, sink: DiagnosticSink, options: PreprocessOptions): Line[] {
  const out: Line[] = [];
  preprocessTo(mainPath, reader, sink, options, (words, pos) => out.push({ words, pos }));
  return out;
}

export type { LogicalLine };
