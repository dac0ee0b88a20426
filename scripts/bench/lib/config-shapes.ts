// Large keepalived.conf files of the shapes that cost a config reader most,
// for scripts/bench/config-cost.ts and test/unit/config-cost.test.ts. Each is
// written in pieces (never held whole) and is `bytes` long, give or take a line.
import { closeSync, openSync, writeSync } from 'node:fs';

export const SHAPES = ['vips', 'instances', 'comments', 'trailing-comments', 'long-line', 'long-word', 'lines-1m', 'unknown', 'blank'] as const;
export type Shape = (typeof SHAPES)[number];

export const SHAPE_NOTES: Record<Shape, string> = {
  vips: 'one vrrp_instance whose virtual_ipaddress block holds every address (10.a.b.c/32, one a line)',
  instances: 'vrrp_instances of 14 lines (auth, one VIP) on 40 interfaces, VRIDs 1..255 reused',
  comments: "comment lines ('# ...', 70 bytes)",
  'trailing-comments': 'small instances with a comment after every statement',
  'long-line': 'one comment line of the whole size',
  'long-word': 'one vrrp_script whose quoted script command is the whole size',
  'lines-1m': 'comment lines of 1 MiB each',
  unknown: "unknown keywords ('  frobnicate N'): one diagnostic a line",
  blank: 'empty lines',
};

const v4 = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** Writes a config of `shape` and about `bytes` bytes to `path`. */
export function writeShape(shape: Shape, path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  let size = 0;
  let buf: string[] = [];
  const flush = () => { if (buf.length > 0) writeSync(fd, buf.join('\n') + '\n'); buf = []; };
  const put = (s: string) => { buf.push(s); size += s.length + 1; if (buf.length >= 10_000) flush(); };
  try {
    put('global_defs {');
    put('  router_id bench');
    put('}');
    let n = 0;
    switch (shape) {
      case 'vips':
        put('vrrp_instance VI_1 {'); put('  state BACKUP'); put('  interface eth0'); put('  virtual_router_id 1'); put('  priority 100');
        put('  virtual_ipaddress {');
        while (size < bytes) put(`    ${v4(n++)}/32`);
        put('  }'); put('}');
        break;
      case 'instances':
        while (size < bytes) {
          const vrid = (Math.floor(n / 40) % 255) + 1;
          put(`vrrp_instance VI_${n} {`); put('  state BACKUP'); put(`  interface eth${n % 40}`); put(`  virtual_router_id ${vrid}`);
          put(`  priority ${100 + (vrid % 50)}`); put('  advert_int 1'); put('  authentication {'); put('    auth_type PASS'); put('    auth_pass secret');
          put('  }'); put('  virtual_ipaddress {'); put(`    ${v4(n)}/32`); put('  }'); put('}');
          n++;
        }
        break;
      case 'comments':
        while (size < bytes) put('# a comment line that says nothing at all, repeated to fill the file');
        break;
      case 'trailing-comments':
        while (size < bytes) {
          put(`vrrp_instance VI_${n} {  # c`); put('  state BACKUP   ! trailing comment here'); put(`  interface eth${n % 40}  # and here`);
          put(`  virtual_router_id ${(Math.floor(n / 40) % 255) + 1} # vrid`); put('  priority 100 # p'); put('  virtual_ipaddress {  # v');
          put(`    ${v4(n)}/32  # addr`); put('  } # end'); put('} # end');
          n++;
        }
        break;
      case 'long-line':
        flush(); writeSync(fd, '# '); writeLong(fd, 'x', bytes); writeSync(fd, '\n');
        break;
      case 'long-word':
        put('vrrp_script s {'); flush(); writeSync(fd, '  script "/bin/echo '); writeLong(fd, 'x', bytes); writeSync(fd, '"\n}\n');
        break;
      case 'lines-1m':
        while (size < bytes) put('# ' + 'y'.repeat(1 << 20));
        break;
      case 'unknown':
        while (size < bytes) put(`  frobnicate ${n++}`);
        break;
      case 'blank':
        while (size < bytes) put('');
        break;
    }
    flush();
  } finally {
    closeSync(fd);
  }
}

function writeLong(fd: number, c: string, bytes: number): void {
  const chunk = c.repeat(1 << 20);
  for (let left = bytes; left > 0; left -= chunk.length) writeSync(fd, left >= chunk.length ? chunk : chunk.slice(0, left));
}
