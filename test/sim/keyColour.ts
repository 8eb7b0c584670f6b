/**
 * Models cannot paint transparency, so a client that wants it asks for one flat colour behind the
 * subject and keys it out itself. This reads that request from a prompt the way a model would:
 * loosely, any sentence that asks for a "solid" or "flat" background and names it as `#rrggbb`.
 */

/** Sentences end at . ! ? ; (and their CJK forms) or a line break; a `#rrggbb` has none of them. */
const SENTENCE_END = /(?<=[.!?;。！？；])\s*|\n+/;
const HEX = /#([0-9a-f]{6})(?![0-9a-z])/i;

/** The key colour (`#rrggbb`, lower case) a prompt asks the background to be painted, if it asks. */
export function keyColourAsked(prompt: string): string | undefined {
  for (const sentence of prompt.split(SENTENCE_END)) {
    const hex = HEX.exec(sentence);
    if (!hex) continue;
    const asksBackground = /background|backdrop|背景/i.test(sentence);
    const asksFlat = /\b(?:solid|flat|uniform|plain)\b|纯色/i.test(sentence);
    if (asksBackground && asksFlat) return `#${hex[1]!.toLowerCase()}`;
  }
  return undefined;
}
