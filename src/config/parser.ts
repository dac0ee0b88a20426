// Word lines → a tree of statements. A statement is a keyword and its
// arguments up to the end of the line, a '{' or a '}'; a '{' opens a block for
// the statement before it, on the same line or on the next one.
import type { DiagnosticSink, SourcePos } from './diagnostics.ts';
import type { PlacedWord } from './lexer.ts';
import type { Line } from './preprocess.ts';

export interface Arg {
  readonly text: string;
  readonly pos: SourcePos;
  readonly quoted: boolean;
}

export interface Node {
  readonly keyword: string;
  readonly args: readonly Arg[];
  readonly pos: SourcePos;
  /** null: no block; [] an empty block. */
  children: Node[] | null;
  /** Where the block's '}' is (keepalived reports block-end checks there). */
  end: SourcePos | null;
}

const isBrace = (w: PlacedWord, brace: '{' | '}'): boolean => !w.quoted && w.text === brace;

/** The index of the first line after `li` that has words, or -1. */
function nextWordLine(lines: readonly Line[], li: number): number {
  for (let k = li + 1; k < lines.length; k++) if (lines[k]!.words.length > 0) return k;
  return -1;
}

/**
 * Builds the statement tree; brace errors are reported, never thrown.
 * Walks the words line by line (no flattened token list: one object fewer per word).
 */
export function parse(lines: readonly Line[], sink: DiagnosticSink): Node[] {
  const root: Node[] = [];
  const stack: Node[] = [];
  let current = root;
  let li = 0;
  let wi = 0;
  while (li < lines.length) {
    const line = lines[li]!;
    const words = line.words;
    if (wi >= words.length) { li++; wi = 0; continue; }
    const w = words[wi]!;
    if (isBrace(w, '}')) {
      if (stack.length === 0) sink.error(w.pos, "Extra '}' found");
      else stack.pop()!.end = w.pos;
      current = stack.length === 0 ? root : stack[stack.length - 1]!.children!;
      wi++;
      continue;
    }
    if (isBrace(w, '{')) {
      sink.error(w.pos, "Unexpected '{' - ignoring");
      wi++;
      continue;
    }
    let j = wi + 1;
    while (j < words.length && !isBrace(words[j]!, '{') && !isBrace(words[j]!, '}')) j++;
    // Placed words are arguments as they are: no copies.
    const args: Arg[] = words.slice(wi + 1, j);
    const node: Node = { keyword: w.text, args, pos: w.pos, children: null, end: null };
    current.push(node);
    // '{' on the same line, or as the first word of the next line.
    if (j < words.length) {
      if (isBrace(words[j]!, '{')) { node.children = []; stack.push(node); current = node.children; j++; }
      wi = j;
      continue;
    }
    const next = nextWordLine(lines, li);
    if (next >= 0 && isBrace(lines[next]!.words[0]!, '{')) {
      node.children = [];
      stack.push(node);
      current = node.children;
      li = next;
      wi = 1;
      continue;
    }
    li++;
    wi = 0;
  }
  for (const open of stack.reverse()) {
    sink.error(open.pos, `missing '}' for '${open.keyword}' block opened here`, 'config');
  }
  return root;
}

/** Renders a node's arguments for messages. */
export function argText(node: Node): string {
  return node.args.map((a) => a.text).join(' ');
}
