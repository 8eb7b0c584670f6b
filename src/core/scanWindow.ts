/**
 * How much of a document the missing-image quick fix reads for one request. VS Code asks for
 * code actions at every cursor move, so the work has to follow the request, not the document:
 * the lines of the range asked about, plus a few lines around them for a reference that spans
 * lines (an `<img>` with one attribute per line, a Markdown title on the next line) — and
 * nothing at all in a document or on a line too large to be written by hand.
 */

export const SCAN_LIMITS = {
  /**
   * Hand-written Markdown, HTML and style sheets stay well under this (a long README is tens
   * of KB); beyond it a file is generated, and even reading it for a heading costs too much.
   */
  documentLength: 1024 * 1024,
  /**
   * VS Code itself stops colouring longer lines (`editor.maxTokenizationLineLength`): minified
   * code and inline data, where nobody writes a reference by hand.
   */
  lineLength: 20_000,
  /** Lines read on each side of the range, for a reference spanning lines. */
  contextLines: 32,
  /** …and at most this many characters of them on each side. */
  contextLength: 8 * 1024,
  /** A quick-fix menu longer than this helps nobody; each costs a file check and a heading look-up. */
  referencesPerRequest: 20,
} as const;

export interface TextWindow {
  start: number;
  end: number;
}

/** The part of `text` to scan for a request about [start, end), or undefined when nothing should be. */
export function scanWindow(text: string, start: number, end: number): TextWindow | undefined {
  if (text.length > SCAN_LIMITS.documentLength) return undefined;
  const first = lineStart(text, start, start - SCAN_LIMITS.lineLength);
  const last = lineEnd(text, end, end + SCAN_LIMITS.lineLength);
  if (first === undefined || last === undefined || longestLine(text, first, last) > SCAN_LIMITS.lineLength)
    return undefined;
  return { start: contextBefore(text, first), end: contextAfter(text, last) };
}

const isBreak = (c: number) => c === 10 || c === 13;

/** The start of the line holding `offset`, unless it begins before `floor`. */
function lineStart(text: string, offset: number, floor: number): number | undefined {
  let i = offset;
  while (i > 0 && !isBreak(text.charCodeAt(i - 1))) if (--i < floor) return undefined;
  return i;
}

/** The end of the line holding `offset` (before its break), unless it ends after `ceiling`. */
function lineEnd(text: string, offset: number, ceiling: number): number | undefined {
  let i = offset;
  while (i < text.length && !isBreak(text.charCodeAt(i))) if (++i > ceiling) return undefined;
  return i;
}

/** Past the line break at `offset`: `\r\n` is one. */
function afterBreak(text: string, offset: number): number {
  return text.charCodeAt(offset) === 13 && text.charCodeAt(offset + 1) === 10 ? offset + 2 : offset + 1;
}

/** Before the line break that ends at `offset` (the start of a line): `\r\n` is one. */
function beforeBreak(text: string, offset: number): number {
  return text.charCodeAt(offset - 1) === 10 && text.charCodeAt(offset - 2) === 13 ? offset - 2 : offset - 1;
}

function longestLine(text: string, from: number, to: number): number {
  let longest = 0;
  for (let start = from; ;) {
    const end = lineEnd(text, start, Infinity)!;
    longest = Math.max(longest, end - start);
    if (end >= to) return longest;
    start = afterBreak(text, end);
  }
}

/** Whole lines before `first`, as many as the limits allow. */
function contextBefore(text: string, first: number): number {
  const floor = first - SCAN_LIMITS.contextLength;
  let start = first;
  for (let lines = 0; lines < SCAN_LIMITS.contextLines && start > 0; lines++) {
    const previous = lineStart(text, beforeBreak(text, start), floor);
    if (previous === undefined) break;
    start = previous;
  }
  return start;
}

/** Whole lines after `last`, as many as the limits allow. */
function contextAfter(text: string, last: number): number {
  const ceiling = last + SCAN_LIMITS.contextLength;
  let end = last;
  for (let lines = 0; lines < SCAN_LIMITS.contextLines && end < text.length; lines++) {
    const next = lineEnd(text, afterBreak(text, end), ceiling);
    if (next === undefined) break;
    end = next;
  }
  return end;
}
