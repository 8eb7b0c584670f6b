/**
 * The core's field messages are English templates filled in (`must be at most 50 characters`);
 * the host pairs each template with the line the panel shows, and this finds the template a
 * message came from and fills its translation with the same values. Pure: the webview uses it too.
 */

/**
 * The English templates behind the core's field messages (request.ts, references.ts),
 * most specific first; the host pairs each with the line the panel shows instead.
 */
export const CORE_MESSAGE_TEMPLATES = [
  'must be one of: {0} for {1}',
  'must be one of: {0}',
  'is required when type is "File"',
  'is required when type is "Url"',
  'must be empty when type is "File"',
  'must be empty when type is "Url"',
  'is required',
  'must not be empty',
  'must be at most {0} characters',
  '{0} takes at most 1 reference image',
  '{0} takes at most {1} reference images',
  '{0} is {1}, not the aspect ratio {2}',
  'must be a whole number from {0} to {1}',
  '(image description) is only supported by {0}',
  'is only supported by {0}',
  'must be a png, jpeg or webp image',
  'must be an http(s) URL or a data: URL of an image',
  'unknown field(s): {0}',
  'cannot be read',
  'is not a PNG, JPEG or WebP image',
  'is {0} MB; the limit is {1} MB',
  // The finish fields' (finishFields.ts FINISH_MESSAGES).
  'needs both a width and a height',
  'must be a whole number of pixels from 1 to {0}',
  'JPEG cannot be transparent: choose PNG, WebP or AVIF',
  // The count of variations (shared/batch.ts BATCH_MESSAGES; its range uses "must be a whole number" above).
  'must be 1 when the image is saved at a fixed file name',
] as const;
export type CoreMessageTemplate = (typeof CORE_MESSAGE_TEMPLATES)[number];

/** English templates -> the lines the panel shows, in the order of CORE_MESSAGE_TEMPLATES. */
export type MessageTable = readonly (readonly [string, string])[];

const TEMPLATE_CACHE = new Map<string, RegExp>();

function templatePattern(template: string): RegExp {
  let pattern = TEMPLATE_CACHE.get(template);
  if (!pattern) {
    const parts = template.split(/\{\d+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(`^${parts.join('(.+?)')}$`, 's');
    TEMPLATE_CACHE.set(template, pattern);
  }
  return pattern;
}

/**
 * The translation of the first template `message` matches, filled with the message's values in
 * the translation's order. A message no template matches is returned as it is.
 */
export function localizeMessage(message: string, table: MessageTable): string {
  for (const [english, localized] of table) {
    const match = templatePattern(english).exec(message);
    if (!match) continue;
    const order = [...english.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1]));
    return localized.replace(/\{(\d+)\}/g, (whole, index: string) => {
      const at = order.indexOf(Number(index));
      return at >= 0 ? (match[at + 1] ?? whole) : whole;
    });
  }
  return message;
}
