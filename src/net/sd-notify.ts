// sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET, a path or
// an abstract '@name'. No NOTIFY_SOCKET (not started by systemd, Type≠notify)
// is not an error: it returns false. A failed send throws a SocketError.
import { loadNative, type NativeAddon } from './native.ts';
import { toSocketError } from './socket-error.ts';

/**
 * Sends `state` (e.g. 'READY=1\nSTATUS=2 instances MASTER') to the socket in
 * `env.NOTIFY_SOCKET`. Returns true if sent, false if there is no usable socket
 * (unset, or a vsock: address, which we don't support).
 */
export function sdNotify(state: string, env: NodeJS.ProcessEnv = process.env, native: NativeAddon = loadNative()): boolean {
  const path = env.NOTIFY_SOCKET;
  if (path === undefined || path === '' || !(path.startsWith('/') || path.startsWith('@'))) return false;
  try {
    native.sendUnixDatagram(path, Buffer.from(state, 'utf8'));
    return true;
  } catch (e) {
    throw toSocketError(e, `sd_notify to ${path}`);
  }
}
