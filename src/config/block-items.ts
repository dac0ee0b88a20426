// The items of address blocks (virtual_ipaddress, virtual_routes, static_*)
// read as the parser meets them, so a block of millions of lines never holds
// a statement per line: each item becomes at once what the model keeps.
//
// What reading an item reports is recorded, not reported: the block's handler
// replays it when the draft reaches the block, so the diagnostics come out in
// the same order as when the block's statements were read from the tree.
import { DiagnosticSink, type Diagnostic, type Impact, type SourcePos } from './diagnostics.ts';
import type { Family } from '../base/ip.ts';
import type { RouteOrRule, VirtualAddress } from './model.ts';
import { NO_ARGS, type BlockReaders, type ItemReader, type Node } from './parser.ts';
import { parseRouteOrRule, parseVirtualAddress, plainV4Vip } from './keywords-addr.ts';

/**
 * Reads a one-word item line straight from its text: the value, null if it was
 * dropped (after recording why), or undefined to read it the general way.
 */
type PlainRead<T> = (text: string, file: string, line: number, col: number, sink: DiagnosticSink) => T | null | undefined;

/** A sink that keeps every diagnostic (uncapped: the real sink applies its cap on replay). */
class Recorder extends DiagnosticSink {
  readonly recorded: Diagnostic[] = [];
  override error(pos: SourcePos | null, message: string, impact: Impact = 'config'): void {
    this.recorded.push({ severity: 'error', impact, message, pos });
  }
  override warning(pos: SourcePos | null, message: string, impact: Impact = 'config'): void {
    this.recorded.push({ severity: 'warning', impact, message, pos });
  }
  override note(pos: SourcePos | null, message: string): void {
    this.recorded.push({ severity: 'note', impact: 'none', message, pos });
  }
}

/** What an ItemReader made of a block: the values, and the diagnostics to report when the draft gets there. */
export class ItemsRead<T> implements ItemReader {
  values: T[] = [];
  private readonly recorder = new Recorder();

  readonly plain: ((text: string, file: string, line: number, col: number) => void) | undefined;

  constructor(private readonly read: (item: Node, sink: DiagnosticSink) => T | null, fast: PlainRead<T> | null = null) {
    this.plain = fast === null ? undefined : (text, file, line, col) => {
      const v = fast(text, file, line, col, this.recorder);
      // Anything the fast reader does not take is the statement the general path would have built.
      if (v === undefined) this.item({ keyword: text, args: NO_ARGS, pos: { file, line, col }, children: null, end: null });
      else if (v !== null) this.values.push(v);
    };
  }

  item(node: Node): void {
    const v = this.read(node, this.recorder);
    if (v !== null) this.values.push(v);
  }

  /** Reports what reading the items reported, and appends the values to `into` (or returns them if `into` is empty). */
  replay(sink: DiagnosticSink, into: T[]): T[] {
    for (const d of this.recorder.recorded) {
      if (d.severity === 'error') sink.error(d.pos, d.message, d.impact);
      else if (d.severity === 'warning') sink.warning(d.pos, d.message, d.impact);
      else sink.note(d.pos, d.message);
    }
    this.recorder.recorded.length = 0;
    const values = this.values;
    this.values = [];
    if (into.length === 0) return values;
    for (const v of values) into.push(v);
    return into;
  }
}

/** The items a block's statement was read into, if it was streamed. */
export function itemsRead<T>(node: Node): ItemsRead<T> | null {
  return node.read instanceof ItemsRead ? (node.read as ItemsRead<T>) : null;
}

/**
 * Which blocks are streamed: the address, route and rule blocks of a top-level
 * vrrp_instance, and the static_* blocks. One per check (it follows the
 * instance being read, for the address-family rule across its VIP blocks).
 */
export function addressBlockReaders(): BlockReaders {
  let instance: Node | null = null;
  // The family of the instance's first VIP (keepalived ignores VIPs of the other family).
  let firstVip: Family | null = null;
  return (stack, node) => {
    let make: ((item: Node, sink: DiagnosticSink) => unknown) | null = null;
    // VIP blocks read a plain dotted-quad line straight from its text (most lines of a large block).
    let fast: PlainRead<unknown> | null = null;
    const plainVip: PlainRead<VirtualAddress> = (text, file, line) => plainV4Vip(text, file, line) ?? undefined;
    if (stack.length === 0) {
      if (node.keyword === 'static_ipaddress') { make = parseVirtualAddress; fast = plainVip; }
      else if (node.keyword === 'static_routes') make = (item, sink) => parseRouteOrRule(item, 'route', sink);
      else if (node.keyword === 'static_rules') make = (item, sink) => parseRouteOrRule(item, 'rule', sink);
    } else if (stack.length === 1 && stack[0]!.keyword === 'vrrp_instance') {
      if (stack[0] !== instance) { instance = stack[0]!; firstVip = null; }
      // keepalived ignores a VIP of the other family than the instance's first.
      const sameFamily = (vip: VirtualAddress, keyword: string, pos: SourcePos, sink: DiagnosticSink): VirtualAddress | null => {
        if (firstVip !== null && firstVip !== vip.family) {
          // The name is the instance's first argument: read, as the handler would say it, from the instance statement.
          sink.warning(pos, `(${instance!.args[0]?.text ?? ''}): address family must match VRRP instance [${keyword}] - ignoring`);
          return null;
        }
        firstVip = vip.family;
        return vip;
      };
      switch (node.keyword) {
        case 'virtual_ipaddress':
          make = (item, sink): VirtualAddress | null => {
            const vip = parseVirtualAddress(item, sink);
            return vip === null ? null : sameFamily(vip, item.keyword, item.pos, sink);
          };
          fast = (text, file, line, col, sink): VirtualAddress | null | undefined => {
            const vip = plainV4Vip(text, file, line);
            // A position object only for the warning (rare: most blocks hold one family).
            return vip === null ? undefined : sameFamily(vip, text, { file, line, col }, sink);
          };
          break;
        case 'virtual_ipaddress_excluded': make = parseVirtualAddress; fast = plainVip; break;
        case 'virtual_routes': make = (item, sink): RouteOrRule | null => parseRouteOrRule(item, 'route', sink); break;
        case 'virtual_rules': make = (item, sink): RouteOrRule | null => parseRouteOrRule(item, 'rule', sink); break;
      }
    }
    if (make === null) return null;
    const r = new ItemsRead(make, fast);
    node.read = r;
    return r;
  };
}
