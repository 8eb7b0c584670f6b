/**
 * The pixel size a document gives an image: an `<img>`'s width and height (attributes, JSX
 * numbers, or its inline style), or the box a CSS rule draws a background image in. Only pixels
 * make a finished file's exact size: `%`, `em`, `rem`, `vw`, `auto` depend on the page around
 * the image, so they state nothing about the file. Values are short, and anything longer than a
 * number with its unit is rejected before an expression reads it, so a hostile document costs
 * nothing here.
 */
import { MAX_FINISHED_SIDE } from './finish';

export interface StatedSize {
  width?: number;
  height?: number;
}

/** Longer than `8192.000px !important`: not a size, whatever it is. */
const MAX_VALUE_LENGTH = 24;
/** `aspect-ratio` with some space around it. */
const MAX_NAME_LENGTH = 32;

const ATTRIBUTE_PIXELS = /^(\d+)(?:px)?$/i;
const CSS_PIXELS = /^(\d+(?:\.\d+)?)px$/i;
const RATIO = /^(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?))?$/;
const IMPORTANT = /\s*!\s*important$/i;

/** A side a finished file can have: a whole number from 1 to MAX_FINISHED_SIDE. */
function side(value: number): number | undefined {
  const rounded = Math.round(value);
  return rounded >= 1 && rounded <= MAX_FINISHED_SIDE ? rounded : undefined;
}

function shortValue(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed.length <= MAX_VALUE_LENGTH ? trimmed.replace(IMPORTANT, '') : undefined;
}

/** An HTML `width`/`height` attribute: `1200` (browsers also read `1200px`); `50%` is not pixels. */
export function attributePixels(value: string | undefined): number | undefined {
  const match = value === undefined ? undefined : ATTRIBUTE_PIXELS.exec(shortValue(value) ?? '');
  return match ? side(Number(match[1])) : undefined;
}

/** A CSS length in pixels (`1200px`); other units and keywords are not. */
function cssPixels(value: string): number | undefined {
  const match = CSS_PIXELS.exec(shortValue(value) ?? '');
  return match ? side(Number(match[1])) : undefined;
}

/** `16 / 9`, `16/9` or `2` (= 2 / 1) as width over height. */
function ratioOf(value: string): number | undefined {
  const match = RATIO.exec(shortValue(value) ?? '');
  if (!match) return undefined;
  const ratio = Number(match[1]) / Number(match[2] ?? 1);
  return Number.isFinite(ratio) && ratio > 0 ? ratio : undefined;
}

/**
 * The size CSS declarations (`width: 1200px; height: 630px`, a rule's body or a `style`
 * attribute) give their box; `aspect-ratio` gives the side that is missing. Later declarations
 * win, as in a browser.
 */
export function declaredSize(declarations: string): StatedSize {
  let width: number | undefined;
  let height: number | undefined;
  let ratio: number | undefined;
  // Found once each: in a body of `;` with one `:` at its end, a search from every `;` would read to the end each time.
  let nextColon = -1;
  for (let from = 0; from < declarations.length;) {
    const end = nextOr(declarations, ';', from, declarations.length);
    if (nextColon < from) nextColon = nextOr(declarations, ':', from, declarations.length);
    const colon = Math.min(nextColon, end);
    // Only a short name can be one of the three; a value is read only for them.
    const name = colon - from <= MAX_NAME_LENGTH ? declarations.slice(from, colon).trim().toLowerCase() : '';
    if (name === 'width') width = cssPixels(declarations.slice(colon + 1, end));
    else if (name === 'height') height = cssPixels(declarations.slice(colon + 1, end));
    else if (name === 'aspect-ratio') ratio = ratioOf(declarations.slice(colon + 1, end));
    from = end + 1;
  }
  if (ratio !== undefined && width !== undefined && height === undefined) height = side(width / ratio);
  if (ratio !== undefined && height !== undefined && width === undefined) width = side(height * ratio);
  return { ...(width !== undefined ? { width } : {}), ...(height !== undefined ? { height } : {}) };
}

/** The first `char` in [from, limit), else `limit`. */
function nextOr(text: string, char: string, from: number, limit: number): number {
  const at = text.indexOf(char, from);
  return at < 0 || at > limit ? limit : at;
}
