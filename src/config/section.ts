// The keyword-table machinery (STYLE rule 9): a section is a table of
// handlers; keywords keepalived knows but we do not implement are listed, so
// they warn as "not supported" instead of "unknown" (and never pass silently).
import type { DiagnosticSink } from './diagnostics.ts';
import type { Node } from './parser.ts';

export type Handler<D> = (node: Node, draft: D, sink: DiagnosticSink) => void;

export interface Section<D> {
  readonly name: string;
  readonly keywords: Readonly<Record<string, Handler<D>>>;
  /** keepalived keywords of this section that vipkeeper parses but ignores. */
  readonly unsupported: readonly string[];
}

export function walkSection<D>(nodes: readonly Node[] | null, section: Section<D>, draft: D, sink: DiagnosticSink): void {
  for (const node of nodes ?? []) {
    const handler = Object.hasOwn(section.keywords, node.keyword) ? section.keywords[node.keyword] : undefined;
    if (handler) { handler(node, draft, sink); continue; }
    if (section.unsupported.includes(node.keyword)) {
      sink.warning(node.pos, `${section.name}: keyword '${node.keyword}' is not supported by vipkeeper - ignored`, 'none');
      continue;
    }
    sink.warning(node.pos, `Unknown keyword '${node.keyword}'`);
  }
}

/** A keyword that must carry a block; reports and returns false if it has none. */
export function requireBlock(node: Node, sink: DiagnosticSink): boolean {
  if (node.children !== null) return true;
  sink.error(node.pos, `'${node.keyword}' expects a '{' block`);
  return false;
}

/** Block items as plain lines (keyword + args), e.g. virtual_ipaddress entries. */
export function blockItems(node: Node): Node[] {
  return node.children ?? [];
}
