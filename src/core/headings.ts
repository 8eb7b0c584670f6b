/**
 * The heading nearest above an offset — a Markdown `#` line or an HTML `<h1>`–`<h6>` — which
 * names a missing image when it has no alt text. Scanned without regular expressions that
 * backtrack (`^#{1,6}\s+(.+?)\s*#*$` took the square of a long heading line), each character
 * read a bounded number of times.
 */
import { CharClass, RunEnd, isLineBreak, isSpace } from './textRuns';

export interface Heading {
  /** Where the heading starts. */
  index: number;
  /** Its text as written (untrimmed); may be blank. */
  text: string;
}

const NOT_LINE_BREAK = new CharClass((c) => !isLineBreak(c));

/** The heading that starts last among those complete in `text` before `before`. */
export function nearestHeading(text: string, before: number): Heading | undefined {
  const markdown = lastMarkdownHeading(text, before);
  const html = lastHtmlHeading(text, before);
  if (!markdown) return html;
  return html && html.index > markdown.index ? html : markdown;
}

/**
 * `#` to `######`, space, then the text up to the end of its line without the space and `#`s
 * that close it. A heading line with no text is no heading.
 */
function lastMarkdownHeading(text: string, before: number): Heading | undefined {
  const lineEnd = new RunEnd(text, NOT_LINE_BREAK);
  const starts = /^#/gm;
  let last: Heading | undefined;
  for (let m = starts.exec(text); m && m.index < before; m = starts.exec(text)) {
    const end = Math.min(lineEnd.at(m.index), before);
    const heading = markdownHeadingLine(text.slice(m.index, end));
    if (heading !== undefined) last = { index: m.index, text: heading };
    starts.lastIndex = end;
  }
  return last;
}

/** The text of one `#` line, or undefined when it is not a heading. */
function markdownHeadingLine(line: string): string | undefined {
  let hashes = 0;
  while (line.charCodeAt(hashes) === 35) hashes++;
  if (hashes > 6 || !isSpace(line.charCodeAt(hashes))) return undefined;
  let start = hashes;
  while (isSpace(line.charCodeAt(start))) start++;
  if (start === line.length) return undefined;
  let end = line.length;
  while (line.charCodeAt(end - 1) === 35) end--;
  while (end > start && isSpace(line.charCodeAt(end - 1))) end--;
  // A line of nothing but `#`s after the marker: its first `#` is the text.
  return end > start ? line.slice(start, end) : line.charAt(start);
}

/** `<hN …>text</hM>`, text without `<`, ending before `before`. */
function lastHtmlHeading(text: string, before: number): Heading | undefined {
  const opens = /<h[1-6]/gi;
  let last: Heading | undefined;
  for (let m = opens.exec(text); m && m.index < before; m = opens.exec(text)) {
    const tagEnd = text.indexOf('>', m.index + 3);
    if (tagEnd < 0 || tagEnd >= before) break;
    const close = text.indexOf('<', tagEnd + 1);
    if (close > tagEnd + 1 && close + 5 <= before && /^<\/h[1-6]>/i.test(text.slice(close, close + 5))) {
      last = { index: m.index, text: text.slice(tagEnd + 1, close) };
      opens.lastIndex = close + 5;
    } else {
      // Every opening before this tag's `>` shares its text and its fate.
      opens.lastIndex = tagEnd + 1;
    }
  }
  return last;
}
