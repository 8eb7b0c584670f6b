/**
 * Around a CSS `url(…)`: the declaration it is written in (where the quick fix is offered), and,
 * for a background, the box its rule draws it in (`width: 1200px; height: 630px`), which is the
 * size the image file should have. Asked about `url(`s at increasing offsets, it reads the text
 * once: the last delimiter before each is carried forward, the next one measured by `RunEnd`, and
 * a rule's body is read once however many `url(`s it holds.
 */
import { type StatedSize, declaredSize } from './statedSizes';
import { RunEnd, SPACE, type TextSpan, until } from './textRuns';

const SEMICOLON = 59;
const LEFT_BRACE = 123;
const RIGHT_BRACE = 125;
const LESS_THAN = 60;
const GREATER_THAN = 62;

/** Only a background is drawn in its element's box; a cursor, mask or list marker is not. */
const BACKGROUND = /^background(?:-image)?\s*:/i;
/** Enough of a declaration's start to hold `background-image :`. */
const PROPERTY_LENGTH = 32;

export class CssRules {
  /** Every character before this has been looked at for the delimiters below. */
  private scanned = 0;
  private lastDelimiter = -1;
  private lastBrace = -1;
  private lastAngle = -1;
  private readonly declarationStart: RunEnd;
  private readonly declarationEnd: RunEnd;
  private readonly nextBrace: RunEnd;
  private readonly nextAngle: RunEnd;
  private box: { after: number; size: StatedSize } | undefined;

  constructor(private readonly text: string) {
    this.declarationStart = new RunEnd(text, SPACE);
    this.declarationEnd = new RunEnd(text, until(';{}<>'));
    this.nextBrace = new RunEnd(text, until('{}'));
    this.nextAngle = new RunEnd(text, until('<>'));
  }

  /**
   * The declaration holding the `url(` at `at` whose `)` ends before `after`: from its property
   * to its `;` or `}` (markup around inline CSS ends it too), and the size of its box when it is a
   * background.
   */
  declarationAt(at: number, after: number): { span: TextSpan; size: StatedSize } {
    this.advanceTo(at);
    const start = this.declarationStart.at(this.lastDelimiter + 1);
    const span = { start, end: this.declarationEnd.at(after) };
    const property = this.text.slice(start, Math.min(at, start + PROPERTY_LENGTH));
    return { span, size: BACKGROUND.test(property) ? this.boxAt(at) : {} };
  }

  /** The size stated in the body of the rule around `at`: the text between its braces, when no markup is in it. */
  private boxAt(at: number): StatedSize {
    const opening = this.lastBrace;
    if (opening < 0 || this.lastAngle > opening) return {};
    const closing = this.nextBrace.at(at);
    if (closing >= this.text.length || this.nextAngle.at(at) < closing) return {};
    if (this.box?.after !== opening)
      this.box = { after: opening, size: declaredSize(this.text.slice(opening + 1, closing)) };
    return this.box.size;
  }

  private advanceTo(at: number): void {
    for (; this.scanned < at; this.scanned++) {
      const c = this.text.charCodeAt(this.scanned);
      if (c === SEMICOLON) this.lastDelimiter = this.scanned;
      else if (c === LEFT_BRACE || c === RIGHT_BRACE) this.lastDelimiter = this.lastBrace = this.scanned;
      else if (c === LESS_THAN || c === GREATER_THAN) this.lastDelimiter = this.lastAngle = this.scanned;
    }
  }
}
