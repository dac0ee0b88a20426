// keepalived 2.2.7's checks of an instance's authentication (vrrp.c,
// vrrp_complete_instance), in its order, with its words: the first that
// applies wins. Authentication is then cleared ("Ignoring"), except for AH
// with `state MASTER`, where the state is cleared instead: an AH instance
// must hear an advert (and its sequence number) before it takes over, unless
// it owns the address (priority 255), which keepalived exempts.
import type { DiagnosticSink } from './diagnostics.ts';
import type { InstanceDraft } from './keywords-instance.ts';
import type { VrrpInstance } from './model.ts';

export interface AuthDecision {
  readonly auth: VrrpInstance['auth'];
  readonly initialState: 'MASTER' | 'BACKUP';
}

/**
 * `version`: the instance's version before an IPv6 instance is moved to
 * VRRPv3 (keepalived checks auth first: an explicit `version 2` with IPv6
 * gets the IPv6 message, an IPv6 instance without `version` the v3 one).
 */
export function decideAuth(i: InstanceDraft, family: 4 | 6, version: 2 | 3, priority: number, initialState: 'MASTER' | 'BACKUP', sink: DiagnosticSink): AuthDecision {
  const say = (msg: string) => sink.warning(i.pos, `(${i.name}) ${msg}`);
  const none = { type: 'none' as const };
  if (i.authType === null) return { auth: none, initialState };
  if (version === 3) { say('VRRP version 3 does not support authentication. Ignoring.'); return { auth: none, initialState }; }
  if (!i.authPass) { say('Authentication specified but no password given. Ignoring'); return { auth: none, initialState }; }
  if (family === 6 && i.authType === 'ah') { say('Cannot use AH authentication with IPv6. ignoring'); return { auth: none, initialState }; }
  const auth = { type: i.authType, password: i.authPass };
  if (i.authType === 'ah' && initialState === 'MASTER' && priority !== 255) {
    sink.warning(i.state?.pos ?? i.pos, `(${i.name}) Initial state master is incompatible with AH authentication - clearing`);
    return { auth, initialState: 'BACKUP' };
  }
  return { auth, initialState };
}
