// One pino root logger (STYLE rule 12). Lines for state changes use
// keepalived's wording, so operators' greps keep working:
//   (VI_1) Entering MASTER STATE
// With -l on a terminal the console gets human-readable lines in keepalived's
// layout; otherwise (journald, pipes, --log-json) one JSON object per line.
// The destination is synchronous: a daemon that dies must not lose its last line.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export interface LoggerOptions {
  readonly human: boolean;
  readonly detail: boolean; // -D: debug lines too
  readonly fd?: number; // default stdout
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR', 60: 'FATAL' };

/** Formats a pino JSON line as `Thu Nov 26 08:35:35 2026: (VI_1) Entering MASTER STATE`. */
export function humanLine(json: string): string {
  let rec: Record<string, unknown>;
  try { rec = JSON.parse(json) as Record<string, unknown>; } catch { return json; }
  const time = typeof rec.time === 'number' ? new Date(rec.time) : new Date();
  const stamp = time.toString().slice(0, 24);
  const level = typeof rec.level === 'number' && rec.level >= 40 ? `${LEVEL_NAMES[rec.level] ?? rec.level}: ` : '';
  return `${stamp}: ${level}${String(rec.msg ?? '')}\n`;
}

function humanStream(fd: number): DestinationStream {
  const dest = pino.destination({ fd, sync: true });
  return { write: (line: string) => { dest.write(humanLine(line)); } };
}

export function createLogger(options: LoggerOptions): Logger {
  const fd = options.fd ?? 1;
  const level = options.detail ? 'debug' : 'info';
  const stream = options.human ? humanStream(fd) : pino.destination({ fd, sync: true });
  return pino({ level, base: { pid: process.pid }, messageKey: 'msg' }, stream);
}
