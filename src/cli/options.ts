// What keepalived's command line asks for (parsed by cli/args.ts).
export interface CliOptions {
  readonly configFile: string; // -f, default /etc/keepalived/keepalived.conf
  readonly configTest: boolean; // -t
  readonly configTestLogFile: string | null; // -t=FILE / -tFILE
  readonly dumpConf: boolean; // -d
  readonly dontFork: boolean; // -n
  readonly logConsole: boolean; // -l
  readonly logDetail: boolean; // -D
  readonly vrrpOnly: boolean; // -P
  readonly pidFile: string | null; // -p
  readonly vrrpPidFile: string | null; // -r
  readonly configId: string | null; // -i
  readonly dontReleaseVrrp: boolean; // -V
  readonly releaseVips: boolean; // -X (--release-vips)
  readonly logFacility: string | null; // -S
  readonly jsonLogs: boolean; // --log-json (ours)
}
