// Splits a child's stdout into lines as they arrive, carrying partial lines over.
import type { ChildProcess } from 'node:child_process';

export function onLines(child: ChildProcess, stream: 'stdout' | 'stderr', each: (line: string) => void): void {
  let rest = '';
  child[stream]?.on('data', (buf: Buffer) => {
    const parts = (rest + buf.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) if (p !== '') each(p);
  });
}
