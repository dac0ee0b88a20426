// Builds keepalived.conf texts for the namespace tests. The same text is fed
// to vipkeeper and to Debian's keepalived, so every option here is one both know.
export interface InstanceOptions {
  readonly name?: string;
  readonly vrid?: number;
  readonly priority: number;
  readonly state?: 'MASTER' | 'BACKUP';
  readonly version?: 2 | 3;
  readonly advertInt?: string; // text, e.g. '1' or '0.1'
  readonly vips: readonly string[];
  readonly ifname?: string;
  readonly authPass?: string;
  /** With authPass: PASS (default) or AH (IPsec AH, VRRPv2 over IPv4). */
  readonly authType?: 'PASS' | 'AH';
  readonly nopreempt?: boolean;
  readonly preemptDelay?: number;
  readonly unicastSrc?: string;
  readonly unicastPeers?: readonly string[];
  readonly useVmac?: boolean;
  readonly extra?: readonly string[];
}

export function instanceBlock(o: InstanceOptions): string {
  const lines = [
    `vrrp_instance ${o.name ?? 'VI_1'} {`,
    `  state ${o.state ?? 'BACKUP'}`,
    `  interface ${o.ifname ?? 'eth0'}`,
    `  virtual_router_id ${o.vrid ?? 51}`,
    `  priority ${o.priority}`,
    `  advert_int ${o.advertInt ?? (o.version === 2 ? '1' : '0.1')}`,
  ];
  if (o.version !== undefined) lines.push(`  version ${o.version}`);
  if (o.authPass !== undefined) lines.push('  authentication {', `    auth_type ${o.authType ?? 'PASS'}`, `    auth_pass ${o.authPass}`, '  }');
  if (o.nopreempt) lines.push('  nopreempt');
  if (o.preemptDelay !== undefined) lines.push(`  preempt_delay ${o.preemptDelay}`);
  if (o.unicastSrc) lines.push(`  unicast_src_ip ${o.unicastSrc}`);
  if (o.unicastPeers) lines.push('  unicast_peer {', ...o.unicastPeers.map((p) => `    ${p}`), '  }');
  if (o.useVmac) lines.push('  use_vmac');
  for (const e of o.extra ?? []) lines.push(`  ${e}`);
  lines.push('  virtual_ipaddress {', ...o.vips.map((v) => `    ${v}`), '  }', '}');
  return lines.join('\n');
}

export function config(routerId: string, instances: readonly InstanceOptions[], globals: readonly string[] = []): string {
  return [
    'global_defs {',
    `  router_id ${routerId}`,
    ...globals.map((g) => `  ${g}`),
    '}',
    ...instances.map(instanceBlock),
    '',
  ].join('\n');
}
