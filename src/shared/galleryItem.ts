/** One saved result as the Studio's gallery shows it, and what the user can do with it. */
import * as z from 'zod/mini';
import { cropBoxSchema, outputFormatSchema, pixelSizeSchema } from '../core/finishSchema';
import { itemId } from './payloadBounds';

export const GALLERY_ACTIONS = [
  'open',
  'reveal',
  'copyLink',
  'insert',
  'useAsReference',
  'reuseSettings',
  'variation',
  'openOriginal',
  'exportAssets',
  'moreLikeThis',
  'saveAsStyle',
  'moveToTrash',
] as const;
export type GalleryAction = (typeof GALLERY_ACTIONS)[number];

/** One saved generation, from its sidecar. */
export const galleryItemSchema = z.object({
  /** The sidecar's URI: how actions name the item. */
  id: itemId,
  /** Absolute path of the image. */
  file: z.string(),
  /** Workspace-relative path, for display. */
  relPath: z.string(),
  thumb: z.string(),
  prompt: z.string(),
  negativePrompt: z.optional(z.string()),
  /** `"GEM 2.5"` */
  model: z.string(),
  /** Milliseconds since the epoch. */
  createdAt: z.number(),
  references: z.number(),
  kind: z.optional(z.enum(['generate', 'restyle'])),
  /** The finished file made from this result (the card shows it; the original stays a button away). */
  finished: z.optional(
    z.object({
      file: z.string(),
      relPath: z.string(),
      thumb: z.string(),
      width: z.number(),
      height: z.number(),
      format: outputFormatSchema,
      hasAlpha: z.boolean(),
      /** Transparency was asked for, but the model painted no flat background: the file is opaque. */
      keyIgnored: z.optional(z.boolean()),
      crop: z.optional(cropBoxSchema),
      /** The original's pixels, for the crop frame. */
      original: z.optional(pixelSizeSchema),
    }),
  ),
});
export type GalleryItem = z.infer<typeof galleryItemSchema>;
