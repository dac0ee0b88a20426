// Splits a script command line into argv the way keepalived does for
// vrrp_script `script` and every notify* keyword (lib/parser.c, the
// "quoted escaped" string vector). Pure. keepalived then execve()s argv
// directly: there is no shell, so $VAR, globs, pipes and ; are literal.
//
// Rules reproduced:
// - words are separated by spaces and tabs (and other isspace characters);
// - '...' and "..." group text into one word and may abut other text
//   (a"b c"d is one word `ab cd`); the quotes themselves are removed;
// - a backslash escapes the next character, inside or outside quotes, with C
//   escapes: \a \b \E(ESC) \f \n \r \t \v, \xHH (1-2 hex digits), \cX
//   (control character), \NNN (1-3 octal digits); any other \c gives c;
// - an unmatched quote or a trailing backslash is an error.

export type SplitResult =
  | { readonly ok: true; readonly argv: readonly string[] }
  | { readonly ok: false; readonly error: string };

const SPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isOctal = (c: string | undefined) => c !== undefined && c >= '0' && c <= '7';

/** Decodes the escape whose letter is at text[i]; returns the character and the index after it. */
function decodeEscape(text: string, i: number): { ch: string; next: number } {
  const c = text[i]!;
  if (c === 'x' && isHex(text[i + 1])) {
    let j = i + 1;
    let v = 0;
    while (j < text.length && j < i + 3 && isHex(text[j])) v = v * 16 + parseInt(text[j++]!, 16);
    return { ch: String.fromCharCode(v), next: j };
  }
  if (c === 'c' && i + 1 < text.length) return { ch: String.fromCharCode(text.charCodeAt(i + 1) & 0x1f), next: i + 2 };
  if (isOctal(c)) {
    let j = i;
    let v = 0;
    while (j < text.length && j < i + 3 && isOctal(text[j])) v = v * 8 + Number(text[j++]);
    // keepalived accumulates into a char: \777 wraps to one byte.
    return { ch: String.fromCharCode(v & 0xff), next: j };
  }
  return { ch: SIMPLE_ESCAPES[c] ?? c, next: i + 1 };
}

export function splitCommandLine(text: string): SplitResult {
  const argv: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && SPACE.has(text[i]!)) i++;
    if (i >= text.length) break;
    let word = '';
    let quote: string | null = null;
    for (; i < text.length; ) {
      const c = text[i]!;
      if (c === '\\') {
        if (i + 1 >= text.length) return { ok: false, error: `missing escape character at end: '${text}'` };
        const { ch, next } = decodeEscape(text, i + 1);
        word += ch;
        i = next;
      } else if (quote !== null) {
        if (c === quote) quote = null;
        else word += c;
        i++;
      } else if (c === '"' || c === "'") {
        quote = c;
        i++;
      } else if (SPACE.has(c)) {
        break;
      } else {
        word += c;
        i++;
      }
    }
    if (quote !== null) return { ok: false, error: `string '${text}': missing terminating ${quote}` };
    argv.push(word);
  }
  if (argv.length === 0) return { ok: false, error: 'empty command' };
  return { ok: true, argv };
}
