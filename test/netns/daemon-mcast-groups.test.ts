// Two instances on one interface with different multicast groups
// (mcast_dst_ip): the interface's one socket must join both, or the backup of
// the second never hears its master and takes over too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { waitFor } from '../lib/lab.ts';
import { config, type InstanceOptions } from '../lib/conf.ts';

test('instances with different mcast_dst_ip on one interface: the backup hears the master on both groups', async () => {
  const v = createVrrpLab('mg', 2, 74);
  try {
    const insts = (priority: number): InstanceOptions[] => [
      { name: 'VI_1', vrid: 51, priority, version: 3, advertInt: '0.1', vips: ['10.74.1.100/24'] },
      { name: 'VI_2', vrid: 52, priority, version: 3, advertInt: '0.1', vips: ['10.74.2.100/24'], extra: ['mcast_dst_ip 224.0.0.50'] },
    ];
    const r1 = v.start('r1', config('r1', insts(150)));
    await waitFor('r1 MASTER for both', () => r1.state('VI_1') === 'MASTER' && r1.state('VI_2') === 'MASTER', 10_000);
    const r2 = v.start('r2', config('r2', insts(100)));
    await waitFor('r2 started', () => r2.state('VI_1') === 'BACKUP' && r2.state('VI_2') === 'BACKUP', 10_000);
    const mark = r2.lines.length;
    await new Promise((r) => setTimeout(r, 1500)); // over 4 Master_Down_Intervals
    assert.deepEqual(r2.stateLines(mark), [], `r2 must stay BACKUP for both:\n${r2.log()}`);
    assert.equal(v.hasVip('r2', '10.74.2.100'), false);
    assert.equal(v.hasVip('r1', '10.74.2.100'), true);
  } finally {
    v.cleanup();
  }
});
