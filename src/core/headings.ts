/**
 * The heading nearest above an offset — a Markdown `#` line or an HTML `<h1>`–`<h6>` — which
 * names a missing image when it has no alt text. The expressions this replaces were run again
 * over everything above each image, and backtracked on a long heading line
 * (`^#{1,6}\s+(.+?)\s*#*$` took the square of its length). Here a text's headings are found once,
 * in one pass that reads each character a bounded number of times, and each image's nearest
 * heading is a binary search.
 */
import { CharClass, RunEnd, isLineBreak, isSpace } from './textRuns';

export interface Heading {
  /** Where the heading starts. */
  index: number;
  /** Its text as written (untrimmed); may be blank. */
  text: string;
}

interface Found extends Heading {
  /** Where its line (Markdown) or its closing tag (HTML) ends. */
  end: number;
}

const HASH = 35;
const NOT_LINE_BREAK = new CharClass((c) => !isLineBreak(c));

export class Headings {
  private readonly markdown: Found[];
  private readonly html: Found[];

  constructor(private readonly text: string) {
    this.markdown = markdownHeadings(text);
    this.html = htmlHeadings(text);
  }

  /** The heading that starts last among those complete before `before`, as if the text ended there. */
  nearestBefore(before: number): Heading | undefined {
    const markdown = this.markdownBefore(before);
    const html = lastWhere(this.html, (h) => h.end <= before);
    const nearest = [markdown, html !== undefined ? this.html[html] : undefined].filter((h) => h !== undefined);
    return nearest.sort((a, b) => b.index - a.index)[0];
  }

  private markdownBefore(before: number): Heading | undefined {
    const last = lastWhere(this.markdown, (h) => h.index < before);
    if (last === undefined) return undefined;
    const heading = this.markdown[last]!;
    if (heading.end <= before) return heading;
    // The line goes on past `before`: what comes before it may still be a heading, or not.
    const cut = markdownHeadingLine(this.text, heading.index, before);
    return cut !== undefined ? { index: heading.index, text: cut } : this.markdown[last - 1];
  }
}

/** The last index in `sorted` whose item passes `test`, for a test that passes up to some item and fails after it. */
function lastWhere<T>(sorted: readonly T[], test: (item: T) => boolean): number | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(sorted[middle]!)) low = middle + 1;
    else high = middle;
  }
  return low > 0 ? low - 1 : undefined;
}

/** Lines that begin with `#` and are headings; the `#`s are found with `indexOf`. */
function markdownHeadings(text: string): Found[] {
  const lineEnd = new RunEnd(text, NOT_LINE_BREAK);
  const found: Found[] = [];
  for (let at = text.indexOf('#'); at >= 0;) {
    const end = lineEnd.at(at);
    if (at === 0 || isLineBreak(text.charCodeAt(at - 1))) {
      const heading = markdownHeadingLine(text, at, end);
      if (heading !== undefined) found.push({ index: at, end, text: heading });
    }
    at = text.indexOf('#', end);
  }
  return found;
}

/**
 * The text of the `#` line at [start, end): `#` to `######`, space, then the text without the
 * space and `#`s that close it; undefined when the line is not a heading (a line with no text
 * is none).
 */
function markdownHeadingLine(text: string, start: number, end: number): string | undefined {
  let from = start;
  while (from < end && text.charCodeAt(from) === HASH) from++;
  if (from - start > 6 || from === end || !isSpace(text.charCodeAt(from))) return undefined;
  while (from < end && isSpace(text.charCodeAt(from))) from++;
  if (from === end) return undefined;
  let to = end;
  while (text.charCodeAt(to - 1) === HASH) to--;
  while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
  // A line of nothing but `#`s after the marker: its first `#` is the text.
  return to > from ? text.slice(from, to) : text.charAt(from);
}

/** `<hN …>text</hM>`, the text without `<`. */
function htmlHeadings(text: string): Found[] {
  const opens = /<h[1-6]/gi;
  const found: Found[] = [];
  for (let m = opens.exec(text); m; m = opens.exec(text)) {
    const tagEnd = text.indexOf('>', m.index + 3);
    if (tagEnd < 0) break;
    const close = text.indexOf('<', tagEnd + 1);
    if (close > tagEnd + 1 && /^<\/h[1-6]>/i.test(text.slice(close, close + 5))) {
      found.push({ index: m.index, end: close + 5, text: text.slice(tagEnd + 1, close) });
      opens.lastIndex = close + 5;
    } else {
      // Every opening before this tag's `>` shares its text and its fate.
      opens.lastIndex = tagEnd + 1;
    }
  }
  return found;
}
