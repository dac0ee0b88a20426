// Operating errors: a small taxonomy with stable codes (STYLE rule 10).
export type VipkeeperErrorCode =
  | 'VIPKEEPER_ERR_CONFIG'
  | 'VIPKEEPER_ERR_NETLINK'
  | 'VIPKEEPER_ERR_SOCKET'
  | 'VIPKEEPER_ERR_SCRIPT_TIMEOUT'
  | 'VIPKEEPER_ERR_USAGE';

export class VipkeeperError extends Error {
  readonly code: VipkeeperErrorCode;
  readonly errno: number | undefined;
  readonly syscall: string | undefined;
  constructor(code: VipkeeperErrorCode, message: string, extra: { errno?: number; syscall?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'VipkeeperError';
    this.code = code;
    this.errno = extra.errno;
    this.syscall = extra.syscall;
  }
}
