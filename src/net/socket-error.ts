// A failed socket syscall as an operating error (STYLE rule 10): the stable
// code VIPKEEPER_ERR_SOCKET, plus the kernel's answer in Node's shape
// (`errnoCode` 'ENODEV', `errno` negative, `syscall` 'setsockopt').
import { VipkeeperError } from '../base/errors.ts';
import { isNativeError } from './native.ts';

export class SocketError extends VipkeeperError {
  readonly errnoCode: string;
  constructor(errnoCode: string, message: string, extra: { errno?: number; syscall?: string; cause?: unknown }) {
    super('VIPKEEPER_ERR_SOCKET', message, extra);
    this.name = 'SocketError';
    this.errnoCode = errnoCode;
  }
}

/** Wraps what the addon threw, adding what we were doing (`context`). Non-native errors pass through. */
export function toSocketError(e: unknown, context: string): unknown {
  if (!isNativeError(e)) return e;
  return new SocketError(e.code, `${context}: ${e.message}`, { errno: e.errno, syscall: e.syscall, cause: e });
}
