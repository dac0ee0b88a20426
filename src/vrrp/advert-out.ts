// The advert an instance sends: its configured fields plus the priority to
// advertise (the effective priority, or 0 when leaving).
import { millisToCentis } from '../base/units.ts';
import type { Advert } from './advert.ts';
import type { InstanceConfig } from './types.ts';
import type { ReceiveContext } from './receive-checks.ts';

export function buildAdvert(c: InstanceConfig, ctx: ReceiveContext, priority: number): Advert {
  return {
    version: c.version,
    family: c.family,
    vrid: c.vrid,
    priority,
    advertIntervalCs: millisToCentis(c.advertIntervalMs),
    addresses: [...ctx.addresses],
    authType: ctx.authType,
    authData: ctx.authType === 1 ? ctx.password : '',
  };
}
