// One wall clock for every figure: the tools we read (tcpdump -tt, ip -ts
// monitor, ping -D) print CLOCK_REALTIME, so our own marks (spawn, kill) are
// taken on the same clock, with sub-millisecond resolution.
export function nowEpochS(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

/** performance.now() (ms) of this process as epoch seconds, e.g. a DaemonProc LogLine.at. */
export function perfToEpochS(perfMs: number): number {
  return (performance.timeOrigin + perfMs) / 1000;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `ip -ts` prints local time as [YYYY-MM-DDTHH:MM:SS.ffffff]; Date parses that form as local time. */
export function parseIsoLocalS(stamp: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?$/.exec(stamp);
  if (!m) return NaN;
  return new Date(m[1]!).getTime() / 1000 + Number(m[2] ?? 0);
}
