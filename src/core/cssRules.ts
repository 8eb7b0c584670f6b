/**
 * Around a CSS `url(…)`: the declaration it is written in (where the quick fix is offered), and,
 * for a background, the box its rule draws it in (`width: 1200px; height: 630px`), which is the
 * size the image file should have. Asked about `url(`s at increasing offsets, it reads the text
 * once: the last delimiter before each is carried forward, the next one measured by `RunEnd`, and
 * a rule's body is read once however many `url(`s it holds.
 */
import { type StatedSize, declaredSize } from './statedSizes';
import { RunEnd, SPACE, type TextSpan, until } from './textRuns';

/** Only a background is drawn in its element's box; a cursor, mask or list marker is not. */
const BACKGROUND = /^background(?:-image)?\s*:/i;
/** Enough of a declaration's start to hold `background-image :`. */
const PROPERTY_LENGTH = 32;

/** The last place of one character before an offset, asked at increasing offsets: each place is found once, by `indexOf`. */
class LastBefore {
  private last = -1;
  private next: number;

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {
    this.next = text.indexOf(char);
  }

  before(at: number): number {
    while (this.next >= 0 && this.next < at) {
      this.last = this.next;
      this.next = this.text.indexOf(this.char, this.next + 1);
    }
    return this.last;
  }
}

export class CssRules {
  private readonly semicolon: LastBefore;
  private readonly braces: LastBefore[];
  private readonly angles: LastBefore[];
  private readonly declarationStart: RunEnd;
  private readonly declarationEnd: RunEnd;
  private readonly nextBrace: RunEnd;
  private readonly nextAngle: RunEnd;
  private box: { after: number; size: StatedSize } | undefined;

  constructor(private readonly text: string) {
    this.semicolon = new LastBefore(text, ';');
    this.braces = [new LastBefore(text, '{'), new LastBefore(text, '}')];
    this.angles = [new LastBefore(text, '<'), new LastBefore(text, '>')];
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
    const brace = Math.max(...this.braces.map((b) => b.before(at)));
    const angle = Math.max(...this.angles.map((a) => a.before(at)));
    const start = this.declarationStart.at(Math.max(this.semicolon.before(at), brace, angle) + 1);
    const span = { start, end: this.declarationEnd.at(after) };
    const property = this.text.slice(start, Math.min(at, start + PROPERTY_LENGTH));
    return { span, size: BACKGROUND.test(property) ? this.boxAt(at, brace, angle) : {} };
  }

  /**
   * The size stated in the body of the rule around `at` (its last brace before is `opening`):
   * the text between its braces, when no markup is in it.
   */
  private boxAt(at: number, opening: number, angle: number): StatedSize {
    if (opening < 0 || angle > opening) return {};
    const closing = this.nextBrace.at(at);
    if (closing >= this.text.length || this.nextAngle.at(at) < closing) return {};
    if (this.box?.after !== opening)
      this.box = { after: opening, size: declaredSize(this.text.slice(opening + 1, closing)) };
    return this.box.size;
  }
}
