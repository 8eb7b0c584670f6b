/**
 * A project style as the Studio's picker shows it: its name, what it adds (labelled and made
 * inert by the host), and the model and shape it sets, which the picker writes into the form so
 * the user sees them and may change them. The webview never sends a style back, only its name:
 * the host reads the file again when the form is generated.
 */
import * as z from 'zod/mini';
import { longText, shortText } from './payloadBounds';

export const styleEntrySchema = z.object({
  name: shortText,
  description: z.optional(longText),
  model: z.optional(shortText),
  aspectRatio: z.optional(shortText),
  resolution: z.optional(shortText),
  adds: z.array(z.object({ label: shortText, value: longText })).check(z.maxLength(20)),
});
export type StyleEntry = z.infer<typeof styleEntrySchema>;

/** Everything the picker needs: the styles, the default, what is wrong in the file, whether styles are off (Restricted Mode). */
export const stylesMessageSchema = z.object({
  type: z.literal('styles'),
  styles: z.array(styleEntrySchema).check(z.maxLength(200)),
  defaultName: z.optional(shortText),
  problems: z.array(longText).check(z.maxLength(200)),
  restricted: z.boolean(),
});
export type StylesMessage = z.infer<typeof stylesMessageSchema>;
