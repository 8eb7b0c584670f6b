/**
 * How Markdown, HTML and CSS name an image, each found by a small scanner instead of one
 * regular expression over the whole document: the expressions they replace backtracked, so a
 * file of repeated `url(`, `![` or `<img` froze the extension host for seconds to minutes. Each
 * scanner finds its anchor with `indexOf` and measures the runs after it with `RunEnd`, so no
 * character is read more than a few times whatever the text. They find what those expressions
 * found (`importLinks.ts` does the same for imports):
 *
 *   Markdown  !\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)
 *   HTML      <img\b[^>]*>  with src, alt, width and height in it
 *   CSS       url\(\s*(['"]?)([^'")\s]+)\1\s*\)
 *
 * Each also reports the whole construct around the path, and the pixel size the document gives
 * the image where it gives one (`statedSizes.ts`, `cssRules.ts`).
 */
import { CssRules } from './cssRules';
import { type StatedSize, attributePixels, declaredSize } from './statedSizes';
import { CharClass, RunEnd, SPACE, type TextSpan, isSpace, until } from './textRuns';

export interface Found extends StatedSize {
  /** The whole construct (`![alt](path)`, the `<img …>` tag, the CSS declaration, the import): where the fix is offered. */
  span: TextSpan;
  alt?: string;
}

/** Called with a candidate path, the offset where it is written, and what surrounds it. */
export type Emit = (path: string, start: number, found: Found) => void;

const QUOTE = 34;
const APOSTROPHE = 39;
const LEFT_PAREN = 40;
const RIGHT_PAREN = 41;
const LESS_THAN = 60;
const GREATER_THAN = 62;
const RIGHT_BRACKET = 93;

export const isQuote = (c: number) => c === QUOTE || c === APOSTROPHE;

const MARKDOWN_ALT = until(']\n');
const MARKDOWN_PATH = new CharClass((c) => c !== RIGHT_PAREN && c !== GREATER_THAN && !isSpace(c));
const NOT_QUOTE = until('"');
const NOT_APOSTROPHE = until("'");
const CSS_PATH = new CharClass((c) => c !== RIGHT_PAREN && !isQuote(c) && !isSpace(c));

/** `![alt](path "title")`; the title may be in single quotes, the path in angle brackets. */
export function scanMarkdown(text: string, emit: Emit): void {
  const altEnd = new RunEnd(text, MARKDOWN_ALT);
  const spaceBeforePath = new RunEnd(text, SPACE);
  const pathEnd = new RunEnd(text, MARKDOWN_PATH);
  const closing = markdownClosing(text);
  let from = 0;
  for (let at = text.indexOf('![', from); at >= 0; at = text.indexOf('![', from)) from = imageAt(at);

  /** Emits the image at `at`, if there is one; returns where to look for the next. */
  function imageAt(at: number): number {
    const altStop = altEnd.at(at + 2);
    // Every `![` before the end of this alt text ends its alt text there too, and fails alike.
    if (text.charCodeAt(altStop) !== RIGHT_BRACKET || text.charCodeAt(altStop + 1) !== LEFT_PAREN) return altStop;
    let start = spaceBeforePath.at(altStop + 2);
    if (text.charCodeAt(start) === LESS_THAN && pathEnd.at(start + 1) > start + 1) start++;
    const stop = pathEnd.at(start);
    const end = stop > start ? closing(stop) : undefined;
    if (end === undefined) return Math.max(altStop + 1, stop > start ? sharedPathFailure(start, stop) : 0);
    const alt = text.slice(at + 2, altStop);
    emit(text.slice(start, stop), start, { span: { start: at, end }, ...(alt ? { alt } : {}) });
    return end;
  }

  /**
   * An image inside this failed path whose `](` is too (at least two characters before the
   * path's end) has its path end at the same place and fails the same way: the first `![` worth
   * trying is the one whose alt text begins after the last such `]`.
   */
  function sharedPathFailure(start: number, stop: number): number {
    for (let i = stop - 3; i >= start; i--) if (text.charCodeAt(i) === RIGHT_BRACKET) return i - 1;
    return 0;
  }
}

/** After a Markdown image's path: `>`, an optional title, then `)`. Returns the offset after the `)`. */
function markdownClosing(text: string): (pathStop: number) => number | undefined {
  const spaceAfterPath = new RunEnd(text, SPACE);
  // One pair per quote, so each is asked from increasing offsets.
  const quoted = { body: new RunEnd(text, NOT_QUOTE), space: new RunEnd(text, SPACE) };
  const apostrophed = { body: new RunEnd(text, NOT_APOSTROPHE), space: new RunEnd(text, SPACE) };
  return (pathStop) => {
    const after = text.charCodeAt(pathStop) === GREATER_THAN ? pathStop + 1 : pathStop;
    const next = spaceAfterPath.at(after);
    const quote = text.charCodeAt(next);
    const title = quote === QUOTE ? quoted : quote === APOSTROPHE ? apostrophed : undefined;
    if (title && next > after) {
      const close = title.body.at(next + 1);
      const paren = close < text.length ? title.space.at(close + 1) : -1;
      if (paren >= 0 && text.charCodeAt(paren) === RIGHT_PAREN) return paren + 1;
    }
    return quote === RIGHT_PAREN ? next + 1 : undefined;
  };
}

/**
 * `<img src=… alt=… width=… height=…>`, the value quoted, bare or (JSX) in braces; a size in its
 * `style` wins over the attribute, as in a browser, when it is in pixels.
 */
export function scanHtml(text: string, emit: Emit): void {
  const tags = /<img\b/gi;
  for (let m = tags.exec(text); m; m = tags.exec(text)) {
    const close = text.indexOf('>', m.index + 4);
    // No tag after this one can close either.
    if (close < 0) return;
    tags.lastIndex = close + 1;
    const tag = text.slice(m.index, close + 1);
    const src = attribute(tag, 'src');
    if (!src) continue;
    const alt = attribute(tag, 'alt')?.value;
    const styled = declaredSize(attribute(tag, 'style')?.value ?? '');
    const width = styled.width ?? attributePixels(attribute(tag, 'width')?.value);
    const height = styled.height ?? attributePixels(attribute(tag, 'height')?.value);
    emit(src.value, m.index + src.offset, {
      span: { start: m.index, end: close + 1 },
      ...(alt ? { alt } : {}),
      ...(width ? { width } : {}),
      ...(height ? { height } : {}),
    });
  }
}

type AttributeName = 'src' | 'alt' | 'style' | 'width' | 'height';

/**
 * One attribute of one tag. A regular expression is safe here: it runs once per attribute over
 * its own tag, and none of its alternatives can fail slowly more than once per quote character.
 * A size may also be a JSX number (`width={1200}`).
 */
const QUOTED_OR_BARE = `"([^"]*)"|'([^']*)'|\\{\\s*["'\`]([^"'\`]*)["'\`]\\s*\\}|([^\\s>"']+)`;
const JSX_NUMBER = '\\{\\s*(\\d+)\\s*\\}';
const ATTRIBUTES = Object.fromEntries(
  (['src', 'alt', 'style', 'width', 'height'] as const).map((name) => {
    const values = name === 'width' || name === 'height' ? `${JSX_NUMBER}|${QUOTED_OR_BARE}` : QUOTED_OR_BARE;
    return [name, new RegExp(`\\b${name}\\s*=\\s*(?:${values})`, 'i')];
  }),
) as Record<AttributeName, RegExp>;

function attribute(tag: string, name: AttributeName): { value: string; offset: number } | undefined {
  const m = ATTRIBUTES[name].exec(tag);
  if (!m) return undefined;
  const value = m.slice(1).find((group) => group !== undefined) ?? '';
  return { value, offset: m.index + m[0].lastIndexOf(value) };
}

/** `url(path)`, `url('path')`, `url("path")`; a background's with the size of its rule's box. */
export function scanCss(text: string, emit: Emit): void {
  const rules = new CssRules(text);
  const spaceBeforePath = new RunEnd(text, SPACE);
  const pathEnd = new RunEnd(text, CSS_PATH);
  const spaceAfterPath = new RunEnd(text, SPACE);
  let from = 0;
  for (let at = text.indexOf('url(', from); at >= 0; at = text.indexOf('url(', from)) from = urlAt(at);

  /** Emits the path of the `url(` at `at`, if there is one; returns where to look for the next. */
  function urlAt(at: number): number {
    const open = spaceBeforePath.at(at + 4);
    const quote = text.charCodeAt(open);
    const quoted = isQuote(quote);
    const start = quoted ? open + 1 : open;
    const stop = pathEnd.at(start);
    if (stop === start || (quoted && text.charCodeAt(stop) !== quote)) return at + 1;
    const paren = spaceAfterPath.at(quoted ? stop + 1 : stop);
    // A `url(` inside this path starts a bare path that ends where this one does, before a
    // character that is not `)`: it fails alike.
    if (text.charCodeAt(paren) !== RIGHT_PAREN) return Math.max(at + 1, stop - 4);
    const { span, size } = rules.declarationAt(at, paren + 1);
    emit(text.slice(start, stop), start, { span, ...size });
    return paren + 1;
  }
}
