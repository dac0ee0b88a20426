import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fifoLine, fifoScriptArgv, groupNotify, instanceNotify, masterRxLowerPriNotify, priorityChangeNotify, suppressedBySyncGroup, type InstanceNotifyConfig } from '../../src/notify/events.ts';
import { splitCommandLine } from '../../src/notify/command-line.ts';

const cfg: InstanceNotifyConfig = {
  master: { argv: ['/etc/k/master.sh', 'VI_1'] },
  backup: { argv: ['/etc/k/backup.sh'], user: 'nobody' },
  fault: { argv: ['/etc/k/fault.sh'] },
  stop: { argv: ['/etc/k/stop.sh'] },
  any: { argv: ['/etc/k/notify.sh', 'extra arg'], user: 'nobody', group: 'nogroup' },
  masterRxLowerPri: { argv: ['/etc/k/rx.sh'] },
};

test('instance MASTER: own script as given, then generic with INSTANCE name STATE priority, then FIFO line', () => {
  const p = instanceNotify(cfg, 'VI_1', 'MASTER', 100);
  assert.deepEqual(p.commands.map((c) => c.argv), [
    ['/etc/k/master.sh', 'VI_1'],
    ['/etc/k/notify.sh', 'extra arg', 'INSTANCE', 'VI_1', 'MASTER', '100'],
  ]);
  assert.deepEqual(p.commands.map((c) => c.kind), ['state', 'generic']);
  assert.equal(p.commands[1]!.user, 'nobody');
  assert.equal(p.commands[1]!.group, 'nogroup');
  assert.equal(p.fifoLine, 'INSTANCE "VI_1" MASTER 100\n');
});

test('each state picks its own script', () => {
  for (const [state, script] of [['BACKUP', '/etc/k/backup.sh'], ['FAULT', '/etc/k/fault.sh'], ['STOP', '/etc/k/stop.sh']] as const) {
    const p = instanceNotify(cfg, 'VI_2', state, 90);
    assert.equal(p.commands[0]!.argv[0], script);
    assert.deepEqual(p.commands[1]!.argv.slice(-4), ['INSTANCE', 'VI_2', state, '90']);
    assert.equal(p.fifoLine, `INSTANCE "VI_2" ${state} 90\n`);
  }
});

test('DELETED is reported as FAULT unless notify_deleted is set', () => {
  const p = instanceNotify(cfg, 'VI_1', 'DELETED', 50);
  assert.equal(p.fifoLine, 'INSTANCE "VI_1" FAULT 50\n');
  assert.equal(p.commands[0]!.argv[0], '/etc/k/fault.sh');
  const d = instanceNotify({ ...cfg, notifyDeleted: true }, 'VI_1', 'DELETED', 50);
  assert.equal(d.fifoLine, 'INSTANCE "VI_1" DELETED 50\n');
  assert.deepEqual(d.commands.map((c) => c.kind), ['generic']);
});

test('no scripts configured: only the FIFO line', () => {
  const p = instanceNotify({}, 'VI_9', 'BACKUP', 1);
  assert.deepEqual(p.commands, []);
  assert.equal(p.fifoLine, 'INSTANCE "VI_9" BACKUP 1\n');
});

test('groups report GROUP and priority 0', () => {
  const p = groupNotify({ master: { argv: ['/g/m.sh'] }, any: { argv: ['/g/n.sh'] } }, 'VG_1', 'MASTER');
  assert.deepEqual(p.commands.map((c) => c.argv), [['/g/m.sh'], ['/g/n.sh', 'GROUP', 'VG_1', 'MASTER', '0']]);
  assert.equal(p.fifoLine, 'GROUP "VG_1" MASTER 0\n');
});

test('MASTER_RX_LOWER_PRI and priority changes', () => {
  const rx = masterRxLowerPriNotify(cfg, 'VI_1', 200);
  assert.deepEqual(rx.commands.map((c) => c.argv), [['/etc/k/rx.sh']]);
  assert.equal(rx.fifoLine, 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 200\n');
  assert.equal(priorityChangeNotify(cfg, 'VI_1', 'MASTER', 80).fifoLine, null);
  assert.equal(priorityChangeNotify({ priorityChanges: true }, 'VI_1', 'MASTER', 80).fifoLine, 'INSTANCE "VI_1" MASTER_PRIORITY 80\n');
  assert.equal(priorityChangeNotify({ priorityChanges: true }, 'VI_1', 'BACKUP', 70).fifoLine, 'INSTANCE "VI_1" BACKUP_PRIORITY 70\n');
  assert.equal(priorityChangeNotify({ priorityChanges: true }, 'VI_1', 'FAULT', 70).fifoLine, 'INSTANCE "VI_1" BACKUP_PRIORITY 70\n');
});

test('fifo helpers and sync-group suppression', () => {
  assert.equal(fifoLine('INSTANCE', 'a b', 'STOP', 0), 'INSTANCE "a b" STOP 0\n');
  assert.deepEqual(fifoScriptArgv({ argv: ['/s.sh', '-v'] }, '/run/f'), ['/s.sh', '-v', '/run/f']);
  assert.equal(suppressedBySyncGroup(true, 'MASTER', 'MASTER'), true);
  assert.equal(suppressedBySyncGroup(false, 'MASTER', 'MASTER'), false);
  assert.equal(suppressedBySyncGroup(true, 'BACKUP', 'MASTER'), false);
  assert.equal(suppressedBySyncGroup(true, null, 'MASTER'), false);
});

test('command lines split like keepalived: quotes, abutting text, escapes', () => {
  const ok = (s: string) => {
    const r = splitCommandLine(s);
    assert.ok(r.ok, s);
    return r.argv;
  };
  assert.deepEqual(ok('/bin/x.sh  a\tb'), ['/bin/x.sh', 'a', 'b']);
  assert.deepEqual(ok(`/x "a b" 'c d' e"f g"h`), ['/x', 'a b', 'c d', 'ef gh']);
  assert.deepEqual(ok(`/x "it's" 'say "hi"'`), ['/x', "it's", 'say "hi"']);
  assert.deepEqual(ok('/x a\\ b \\"q\\"'), ['/x', 'a b', '"q"']);
  assert.deepEqual(ok('/x \\t\\n\\x41\\x4a2\\101\\cA\\E\\z'), ['/x', '\t\nAJ2A\x01\x1bz']);
  assert.deepEqual(ok('/x "in \\"quotes\\""'), ['/x', 'in "quotes"']);
  assert.deepEqual(ok("/x ''"), ['/x', '']);
  assert.deepEqual(ok('/x $HOME *'), ['/x', '$HOME', '*']);
  assert.equal(splitCommandLine('/x "open').ok, false);
  assert.equal(splitCommandLine('/x trailing\\').ok, false);
  assert.equal(splitCommandLine('   ').ok, false);
});

test('config/model.ts notify scripts plug in as they are (checked by tsc)', () => {
  type Model = import('../../src/config/model.ts').NotifyScripts;
  const fromModel = (m: Model): InstanceNotifyConfig => ({ ...m, notifyDeleted: m.deleted !== null, priorityChanges: false });
  const plan = instanceNotify(fromModel({
    master: { command: '/m.sh a', argv: ['/m.sh', 'a'], user: null, group: null, where: { file: 'k.conf', line: 3 }, userWhere: null },
    backup: null, fault: null, stop: null, deleted: null, masterRxLowerPri: null,
    any: { command: '/n.sh', argv: ['/n.sh'], user: 'nobody', group: null, where: { file: 'k.conf', line: 4 }, userWhere: null },
  }), 'VI_1', 'MASTER', 7);
  assert.deepEqual(plan.commands.map((c) => [c.argv, c.user, c.group]), [[['/m.sh', 'a'], undefined, undefined], [['/n.sh', 'INSTANCE', 'VI_1', 'MASTER', '7'], 'nobody', undefined]]);
});
