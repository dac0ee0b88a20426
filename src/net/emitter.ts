// The one typed emitter every src/net class exposes (STYLE rule 11): an
// EventMap gives each event its argument tuple, so `on('packet', p => …)` is
// checked at compile time without per-class overload boilerplate.
import { EventEmitter } from 'node:events';

/** Event name → listener argument tuple. */
export type EventMap<T> = { [K in keyof T]: unknown[] };

export class TypedEmitter<T extends EventMap<T>> extends EventEmitter<T> {}
