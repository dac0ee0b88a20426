// Draft → Config: fills inherited defaults, derives family and version, and
// reports what keepalived reports (same wording where it has one).
import { millis } from '../base/units.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import type { Draft } from './keywords.ts';
import type { InstanceDraft } from './keywords-instance.ts';
import type { Config, GlobalDefs, SyncGroup, TrackFile, TrackProcess, VrrpInstance, VrrpScript } from './model.ts';
import { resolveTracks, type TrackTargets } from './validate-refs.ts';
import { checkInstanceSet } from './validate-set.ts';
import { applyModeRules, derivePriority } from './validate-modes.ts';
import type { CheckEnv } from './validate-env.ts';
import { decideAuth } from './validate-auth.ts';
import { DEFAULT_SCRIPT_USER, resolveNamed } from './validate-scripts.ts';
import { commandString } from '../track/script-security.ts';
import type { ScriptDraft } from './keywords-track.ts';
import { where } from './values.ts';

/**
 * keepalived resolves a vrrp_script's user while parsing and drops the script
 * when it cannot (the instances tracking it then say "not found"). Without a
 * host (env null) names are kept unchecked.
 */
function scriptUserFails(s: ScriptDraft, g: Draft['global'], env: CheckEnv | null, sink: DiagnosticSink): boolean {
  if (env === null || s.script === null) return false;
  if (s.runAs !== null) {
    const r = resolveNamed(s.runAs.user, s.runAs.group, env.scripts);
    if (r.ok) return false;
    for (const m of r.messages) sink.warning(s.runAs.pos, m, 'none');
    sink.error(s.runAs.pos, `Unable to set uid/gid for script ${commandString(s.script.argv)}`);
    return true;
  }
  if (g.scriptUser !== null) {
    if (resolveNamed(g.scriptUser, g.scriptGroup, env.scripts).ok) return false;
    sink.error(s.end, `Unable to set default user for vrrp script ${s.name} - removing`);
    return true;
  }
  if (!g.enableScriptSecurity || resolveNamed(DEFAULT_SCRIPT_USER, null, env.scripts).ok) return false;
  sink.error(s.end, `Unable to set default user ${DEFAULT_SCRIPT_USER} for vrrp script ${s.name} - removing (set script_user, or create the user)`);
  return true;
}

/** keepalived's "Error setting global script uid/gid", at the script_user line. */
function checkGlobalScriptUser(g: Draft['global'], env: CheckEnv | null, sink: DiagnosticSink): void {
  if (env === null || g.scriptUser === null || g.scriptUserWhere === null) return;
  const r = resolveNamed(g.scriptUser, g.scriptGroup, env.scripts);
  if (r.ok) return;
  const pos = { ...g.scriptUserWhere, col: 1 };
  for (const m of r.messages) sink.warning(pos, m, 'none');
  sink.error(pos, 'Error setting global script uid/gid');
}

function finalizeScripts(d: Draft, env: CheckEnv | null, sink: DiagnosticSink): VrrpScript[] {
  const out: VrrpScript[] = [];
  checkGlobalScriptUser(d.global, env, sink);
  for (const s of d.scripts) {
    if (s.script === null) { sink.warning(s.end, `No script set for vrrp_script ${s.name} - removing`); continue; }
    if (scriptUserFails(s, d.global, env, sink)) continue;
    // `user` may come before or after `script` in the block: joined here.
    const script = s.runAs === null ? s.script : { ...s.script, user: s.runAs.user, group: s.runAs.group, userWhere: where(s.runAs.pos) };
    out.push({
      name: s.name, where: s.where, script, intervalMs: s.intervalMs, timeoutMs: s.timeoutSet ? s.timeoutMs : s.intervalMs,
      weight: s.weight, weightReverse: s.weightReverse, rise: s.rise, fall: s.fall, initFail: s.initFail,
    });
  }
  return out;
}

function finalizeTrackFiles(d: Draft, sink: DiagnosticSink): TrackFile[] {
  return d.trackFiles.filter((f) => {
    if (f.file === null) sink.warning({ ...f.where, col: 1 }, `No file set for track_file ${f.name} - removing`);
    return f.file !== null;
  });
}

function finalizeTrackProcesses(d: Draft, sink: DiagnosticSink): TrackProcess[] {
  return d.trackProcesses.filter((p) => {
    if (p.process.length === 0) sink.warning({ ...p.where, col: 1 }, `Process not specified for track process ${p.name} - removing`);
    return p.process.length > 0;
  });
}

function instanceFamily(i: InstanceDraft): 4 | 6 {
  const first = i.vips[0] ?? i.evips[0];
  if (first) return first.family;
  if (i.nativeIpv6) return 6;
  const src = i.unicastSrcIp ?? i.mcastSrcIp ?? i.unicastPeers[0]?.address ?? null;
  return src !== null && src.includes(':') ? 6 : 4;
}

function finalizeInstance(i: InstanceDraft, g: GlobalDefs, targets: TrackTargets, order: (w: { file: string; line: number }) => number, sink: DiagnosticSink): VrrpInstance | null {
  if (i.vrid === null) { sink.error(i.pos, `(${i.name}) the virtual router id must be set`); return null; }
  const priority = derivePriority(i);
  applyModeRules(i, g, priority, sink);
  const family = instanceFamily(i);
  let version = i.version ?? g.vrrpVersion;
  const versionBeforeIpv6 = i.version ?? (family === 6 ? 3 : g.vrrpVersion);
  if (i.vips.length === 0) {
    if (version === 3 || (i.strictMode ?? g.strict)) {
      sink.error(i.pos, `(${i.name}) No VIP specified; at least one is required`);
      return null;
    }
    sink.warning(i.pos, `(${i.name}) No VIP specified; at least one is sensible`);
  }
  if (family === 6 && version === 2) {
    if (i.version === 2) sink.note(i.pos, `(${i.name}) IPv6 needs VRRP version 3; using version 3`); // keepalived: silently
    version = 3;
  }
  let initialState = i.state?.value ?? 'BACKUP';
  let preempt = i.preempt;
  if (initialState === 'MASTER' && !preempt) {
    sink.warning(i.nopreemptPos ?? i.pos, `(${i.name}) Warning - nopreempt will not work with initial state MASTER - clearing`);
    preempt = true;
  }
  if (!preempt && i.preemptDelayMs > 0) {
    sink.warning(i.preemptDelayPos ?? i.pos, `(${i.name}) preempt_delay is incompatible with nopreempt mode - resetting`);
    i.preemptDelayMs = millis(0);
  }
  const decided = decideAuth(i, family, versionBeforeIpv6, priority, initialState, sink);
  const auth = decided.auth;
  initialState = decided.initialState;
  if (version === 2 && i.advertIntervalMs % 1000 !== 0) {
    const rounded = Math.max(1000, Math.round(i.advertIntervalMs / 1000) * 1000);
    sink.warning(i.advertPos ?? i.pos, `(${i.name}) Version 2 advertisement interval must be whole seconds - rounding to ${rounded / 1000}`);
    i.advertIntervalMs = millis(rounded);
  }
  if (version === 3 && i.advertIntervalMs > 40950) {
    sink.warning(i.advertPos ?? i.pos, `(${i.name}) VRRPv3 advertisement interval ${i.advertIntervalMs / 1000}s out of range - using 40.95`);
    i.advertIntervalMs = millis(40950);
  }
  const strict = i.strictMode ?? g.strict;
  return buildInstance(i, i.vrid, g, { family, version, priority, initialState, preempt, auth, strict }, resolveTracks(i.name, i.rawTracks, targets, order, sink));
}

interface Decided {
  readonly family: 4 | 6;
  readonly priority: number;
  readonly version: 2 | 3;
  readonly initialState: 'MASTER' | 'BACKUP';
  readonly preempt: boolean;
  readonly auth: VrrpInstance['auth'];
  readonly strict: boolean;
}

/** Field by field, not with object rest: V8's rest over ~60 keys cost ~0.1 ms per instance. */
function buildInstance(i: InstanceDraft, vrid: number, g: GlobalDefs, d: Decided, tracks: VrrpInstance['tracks']): VrrpInstance {
  const masterDelay = i.garpMasterDelayMs ?? g.garpMasterDelayMs;
  const masterRepeat = i.garpMasterRepeat ?? g.garpMasterRepeat;
  const refresh = i.garpMasterRefreshMs ?? g.garpMasterRefreshMs;
  return {
    name: i.name, where: i.where, family: d.family, initialState: d.initialState, interface: i.interface,
    interfaceWhere: i.interfacePos ? { file: i.interfacePos.file, line: i.interfacePos.line } : null,
    vrid, priority: d.priority, advertIntervalMs: i.advertIntervalMs, version: d.version, auth: d.auth,
    virtualAddresses: i.vips, excludedAddresses: i.evips, virtualRoutes: i.virtualRoutes, virtualRules: i.virtualRules,
    tracks, unicastSrcIp: i.unicastSrcIp, mcastSrcIp: i.mcastSrcIp, mcastDstIp: i.mcastDstIp, unicastPeers: i.unicastPeers,
    unicastTtl: i.unicastTtl, unicastFaultNoPeer: i.unicastFaultNoPeer, preempt: d.preempt, preemptDelayMs: i.preemptDelayMs,
    garpMasterDelayMs: masterDelay,
    garpMasterRepeat: masterRepeat,
    garpMasterRefreshMs: refresh === 0 ? null : refresh,
    garpMasterRefreshRepeat: i.garpMasterRefreshRepeat ?? g.garpMasterRefreshRepeat,
    garpLowerPrioDelayMs: i.garpLowerPrioDelayMs ?? g.garpLowerPrioDelayMs ?? masterDelay,
    garpLowerPrioRepeat: i.garpLowerPrioRepeat ?? g.garpLowerPrioRepeat ?? masterRepeat,
    downTimerAdverts: i.downTimerAdverts ?? g.downTimerAdverts,
    lowerPrioNoAdvert: i.lowerPrioNoAdvert ?? (g.lowerPrioNoAdvert || d.strict),
    higherPrioSendAdvert: i.higherPrioSendAdvert ?? g.higherPrioSendAdvert,
    notify: i.notify, notifyPriorityChanges: i.notifyPriorityChanges,
    smtpAlert: i.smtpAlert ?? g.smtpAlertVrrp ?? g.smtpAlert,
    acceptMode: i.accept ?? !d.strict,
    dontTrackPrimary: i.dontTrackPrimary, useVmac: i.useVmac, vmacXmitBase: i.vmacXmitBase, nativeIpv6: i.nativeIpv6,
    checkUnicastSrc: i.checkUnicastSrc ?? (g.checkUnicastSrc || i.unicastPeers.some((p) => p.minTtl !== null || p.maxTtl !== null)),
    skipCheckAdvAddr: i.skipCheckAdvAddr ?? g.skipCheckAdvAddr,
    strictMode: d.strict, trackSrcIp: i.trackSrcIp, promoteSecondaries: i.promoteSecondaries, debugLevel: i.debugLevel,
    syncGroup: null,
  };
}

function finalizeSyncGroups(d: Draft, instances: VrrpInstance[], targets: TrackTargets, order: (w: { file: string; line: number }) => number, sink: DiagnosticSink): SyncGroup[] {
  const byName = new Map(instances.map((i, idx) => [i.name, idx]));
  const out: SyncGroup[] = [];
  for (const g of d.syncGroups) {
    const members: string[] = [];
    for (const m of g.members) {
      const idx = byName.get(m.name);
      if (idx === undefined) { sink.warning(m.pos, `Virtual router ${m.name} specified in sync group ${g.name} doesn't exist - ignoring`); continue; }
      const inst = instances[idx]!;
      if (inst.syncGroup !== null) { sink.warning(m.pos, `(${m.name}) already a member of sync group ${inst.syncGroup} - ignoring`); continue; }
      instances[idx] = { ...inst, syncGroup: g.name };
      members.push(m.name);
    }
    if (members.length === 1) sink.warning(g.pos, `Sync group ${g.name} has only 1 virtual router(s) - this probably isn't what you want`);
    const { pos: _p, rawTracks, members: _m, ...rest } = g;
    out.push({ ...rest, members, tracks: resolveTracks(g.name, rawTracks, targets, order, sink) });
  }
  return out;
}

/** Builds the model. `order` ranks a position in reading order (for "defined later"). */
export function validate(d: Draft, order: (w: { file: string; line: number }) => number, env: CheckEnv | null, sink: DiagnosticSink): Config {
  const global: GlobalDefs = { ...d.global };
  const scripts = finalizeScripts(d, env, sink);
  const trackFiles = finalizeTrackFiles(d, sink);
  const trackProcesses = finalizeTrackProcesses(d, sink);
  const targets: TrackTargets = {
    script: new Map(scripts.map((s) => [s.name, s])),
    file: new Map(trackFiles.map((f) => [f.name, f])),
    process: new Map(trackProcesses.map((p) => [p.name, p])),
  };
  const instances: VrrpInstance[] = [];
  for (const i of d.instances) {
    const inst = finalizeInstance(i, global, targets, order, sink);
    if (inst) instances.push(inst);
  }
  const syncGroups = finalizeSyncGroups(d, instances, targets, order, sink);
  checkInstanceSet(instances, d, sink);
  return {
    global, scripts, trackFiles, trackProcesses, instances, syncGroups,
    staticAddresses: d.staticAddresses, staticRoutes: d.staticRoutes, staticRules: d.staticRules,
  };
}
