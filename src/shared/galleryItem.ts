/** One saved result as the Studio's gallery shows it, and what the user can do with it. */
import * as z from 'zod/mini';
import { itemId } from './payloadBounds';

export const GALLERY_ACTIONS = [
  'open',
  'reveal',
  'copyLink',
  'insert',
  'useAsReference',
  'reuseSettings',
  'variation',
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
});
export type GalleryItem = z.infer<typeof galleryItemSchema>;
