/** The workspace images the Studio's picker offers, per folder: relative paths keep 10 000 entries small. */
import * as z from 'zod/mini';

export const imageFolderSchema = z.object({
  name: z.string(),
  /** The folder's URI; a file's URI is this plus `/` and its encoded relative path. */
  uri: z.string(),
  /** `asWebviewUri` of the folder; a thumbnail is this plus the encoded relative path. */
  thumbBase: z.string(),
  files: z.array(z.string()),
  /** The output folder, relative to this folder (`aigcImage.outputFolder`): the picker marks what is in it. */
  outputFolder: z.optional(z.string()),
});
export type ImageFolder = z.infer<typeof imageFolderSchema>;
