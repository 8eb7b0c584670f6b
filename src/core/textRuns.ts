/**
 * What keeps scanning untrusted text linear. A pattern like `url\(([^)]+)\)` re-reads the same
 * run of characters from every `url(` inside it, so `url(url(url(…` costs the square of its
 * length (a 320 KB style sheet froze the extension host for most of a minute). A `RunEnd`
 * measures a run once and answers every later start inside it from memory: asked from
 * increasing offsets, it reads each character at most once.
 */

export type CharTest = (code: number) => boolean;

/** A stretch of a text, by offsets: [start, end). */
export interface TextSpan {
  start: number;
  end: number;
}

/** A set of characters, with a table for ASCII so that a run is measured at the speed of a loop. */
export class CharClass {
  readonly ascii: Uint8Array;

  constructor(
    readonly has: CharTest,
    /** The one character outside the set, when that is all there is to it (then `indexOf` finds it). */
    readonly onlyOutside?: string,
  ) {
    this.ascii = Uint8Array.from({ length: 128 }, (_, c) => (has(c) ? 1 : 0));
  }
}

/** Where the run of characters in a class from an offset ends; remembers its last answer. */
export class RunEnd {
  private from = 0;
  private end = -1;

  constructor(
    private readonly text: string,
    private readonly chars: CharClass,
  ) {}

  /** The first offset at or after `from` whose character is not in the class (the text's length if none). */
  at(from: number): number {
    // Every character in [this.from, this.end) is in the class, so a start inside ends where it did.
    if (from >= this.from && from <= this.end) return this.end;
    // The most common answer, an empty run, is not worth remembering.
    const first = this.text.charCodeAt(from);
    if (first < 128 && this.chars.ascii[first] === 0) return from;
    this.from = from;
    this.end =
      this.chars.onlyOutside === undefined
        ? runEnd(this.text, from, this.chars)
        : nextOf(this.text, from, this.chars.onlyOutside);
    return this.end;
  }
}

function runEnd(text: string, from: number, chars: CharClass): number {
  const { ascii, has } = chars;
  let end = from;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (c < 128 ? ascii[c] === 0 : !has(c)) break;
  }
  return end;
}

function nextOf(text: string, from: number, stop: string): number {
  const at = text.indexOf(stop, from);
  return at < 0 ? text.length : at;
}

/** The characters of a regular expression's `\s`. */
export const isSpace: CharTest = (c) =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

/** The characters of a regular expression's `\w`. */
export const isWord: CharTest = (c) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** The line terminators of a regular expression's `^`, `$` and `.`. */
export const isLineBreak: CharTest = (c) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

export const SPACE = new CharClass(isSpace);

/** Every character except the `stops`: a run of these ends at the next of them. */
export function until(stops: string): CharClass {
  const codes = [...stops].map((s) => s.charCodeAt(0));
  return new CharClass((c) => !codes.includes(c), stops.length === 1 ? stops : undefined);
}
