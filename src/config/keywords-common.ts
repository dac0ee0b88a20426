// Handler factories shared by the keyword tables: one row = one keyword.
import { millis, type Millis } from '../base/units.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import type { Node } from './parser.ts';
import type { Handler } from './section.ts';
import { boolArg, intArg, noExtraArgs, timerArg } from './values.ts';

type KeysOfType<D, V> = { [K in keyof D]-?: D[K] extends V ? K : never }[keyof D];

export function intField<D>(field: KeysOfType<D, number | null>, min: number, max: number): Handler<D> {
  return (node, draft, sink) => {
    const n = intArg(node, 0, min, max, sink);
    if (n !== null) (draft as Record<keyof D, unknown>)[field] = n;
    noExtraArgs(node, 1, sink);
  };
}

/** Whole seconds in the file, Millis in the model. */
export function secondsField<D>(field: KeysOfType<D, Millis | null>, min: number, max: number): Handler<D> {
  return (node, draft, sink) => {
    const n = intArg(node, 0, min, max, sink);
    if (n !== null) (draft as Record<keyof D, unknown>)[field] = millis(n * 1000);
    noExtraArgs(node, 1, sink);
  };
}

/** keepalived <TIMER>: fractional seconds. */
export function timerField<D>(field: KeysOfType<D, Millis | null>, minS: number, maxS: number): Handler<D> {
  return (node, draft, sink) => {
    const t = timerArg(node, 0, minS, maxS, sink);
    if (t !== null) (draft as Record<keyof D, unknown>)[field] = t;
    noExtraArgs(node, 1, sink);
  };
}

export function boolField<D>(field: KeysOfType<D, boolean | null>, value?: boolean): Handler<D> {
  return (node, draft, sink) => {
    const b = value ?? boolArg(node, 0, sink);
    if (b !== null) (draft as Record<keyof D, unknown>)[field] = b;
    noExtraArgs(node, value === undefined ? 1 : 0, sink);
  };
}

export function stringField<D>(field: KeysOfType<D, string | null>): Handler<D> {
  return (node, draft, sink) => {
    const a = node.args[0];
    if (!a) { sink.error(node.pos, `'${node.keyword}' is missing a parameter`); return; }
    (draft as Record<keyof D, unknown>)[field] = a.text;
    noExtraArgs(node, 1, sink);
  };
}

/** Reports a block keyword given without a block, or a plain one given a block. */
export function checkShape(node: Node, wantsBlock: boolean, sink: DiagnosticSink): boolean {
  if (wantsBlock && node.children === null) { sink.error(node.pos, `'${node.keyword}' expects a '{' block`); return false; }
  if (!wantsBlock && node.children !== null) { sink.warning(node.pos, `'${node.keyword}' does not take a block - ignored`); return false; }
  return true;
}
