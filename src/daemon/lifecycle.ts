// Placeholder until the daemon lands: main.ts calls runDaemon for the run mode.
import type { CliOptions } from '../cli/options.ts';

export async function runDaemon(_options: CliOptions): Promise<number> {
  process.stderr.write('vipkeeper: the daemon is not built yet\n');
  return 3;
}
