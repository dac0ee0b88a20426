// Diagnostics of the config check: `FILE:LINE: severity: message`.
// `impact` mirrors keepalived 2.2.7's config_err classes, because that is what
// decides `-t`'s exit status; `severity` is what we print.

export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export type Severity = 'error' | 'warning' | 'note';

/**
 * fatal: keepalived cannot run this config (exit 4).
 * config: a config error or warning keepalived reports; it would still run (exit 5).
 * security: scripts without enable_script_security (exit 6).
 * none: logged only; keepalived -t still exits 0 (e.g. a missing `include`).
 */
export type Impact = 'fatal' | 'config' | 'security' | 'none';

export interface Diagnostic {
  readonly severity: Severity;
  readonly impact: Impact;
  readonly message: string;
  readonly pos: SourcePos | null;
}

/** A garbage file can have a complaint on every line: beyond this many, diagnostics are counted, not kept. */
export const MAX_DIAGNOSTICS = 10_000;

const IMPACT_RANK: Record<Impact, number> = { none: 0, fatal: 1, config: 2, security: 3 };
const SEVERITY_RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

/**
 * An append-only sink; parsing and validation report into one of these.
 * It keeps the first MAX_DIAGNOSTICS; call close() at the end to add one line
 * that counts the rest and carries their worst impact (so the exit status and
 * the daemon's refusal are those of the whole list).
 */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  private dropped = 0;
  private droppedImpact: Impact = 'none';
  private droppedSeverity: Severity = 'note';

  error(pos: SourcePos | null, message: string, impact: Impact = 'config'): void {
    this.add({ severity: 'error', impact, message, pos });
  }

  warning(pos: SourcePos | null, message: string, impact: Impact = 'config'): void {
    this.add({ severity: 'warning', impact, message, pos });
  }

  note(pos: SourcePos | null, message: string): void {
    this.add({ severity: 'note', impact: 'none', message, pos });
  }

  close(): void {
    if (this.dropped === 0) return;
    this.list.push({
      severity: this.droppedSeverity, impact: this.droppedImpact, pos: null,
      message: `${this.dropped} more diagnostics not shown (only the first ${MAX_DIAGNOSTICS} are kept)`,
    });
    this.dropped = 0;
  }

  private add(d: Diagnostic): void {
    if (this.list.length < MAX_DIAGNOSTICS) { this.list.push(d); return; }
    this.dropped++;
    if (IMPACT_RANK[d.impact] > IMPACT_RANK[this.droppedImpact]) this.droppedImpact = d.impact;
    if (SEVERITY_RANK[d.severity] > SEVERITY_RANK[this.droppedSeverity]) this.droppedSeverity = d.severity;
  }
}

/** Control and format characters (bidi overrides), surrogates, unassigned, private use, line/paragraph separators. */
const UNPRINTABLE_RE = /[\p{C}\p{Zl}\p{Zp}]/gu;
const MAX_SHOWN = 2000;

/**
 * Text from a config file as it may be shown: whatever is not printable is
 * escaped (\xHH below 0x100, else \u{H}), so a garbage or hostile file cannot
 * write raw bytes, ANSI sequences or line breaks to a terminal or a log; and a
 * message is cut after MAX_SHOWN characters (a 50 MB word is not echoed).
 */
export function printable(s: string): string {
  const cut = s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}... (${s.length - MAX_SHOWN} more characters)` : s;
  return cut.replace(UNPRINTABLE_RE, (c) => {
    const n = c.codePointAt(0)!;
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.pos ? `${printable(d.pos.file)}:${d.pos.line}:${d.pos.col}: ` : '';
  return `${where}${d.severity}: ${printable(d.message)}`;
}

/** Exit codes of keepalived 2.2.7 -t (its man page is off by one: see docs/config-compat.md). */
export const EXIT_OK = 0;
export const EXIT_CANNOT_RUN = 4;
export const EXIT_CONFIG_ERRORS = 5;
export const EXIT_SECURITY = 6;

/**
 * keepalived keeps the numerically highest config_err seen, and the enum runs
 * fatal < config < security, so a single warning after a fatal error turns 4 into 5.
 */
export function exitStatus(diagnostics: readonly Diagnostic[]): number {
  let worst = EXIT_OK;
  for (const d of diagnostics) {
    const code =
      d.impact === 'security' ? EXIT_SECURITY : d.impact === 'config' ? EXIT_CONFIG_ERRORS : d.impact === 'fatal' ? EXIT_CANNOT_RUN : EXIT_OK;
    if (code > worst) worst = code;
  }
  return worst;
}
