/**
 * Reference images (`file_infos`). Local files travel inline as `data:` URLs, the
 * only way the documented API accepts bytes; URLs and VOD file ids pass through.
 * `ReferenceStrategy` is the seam where an upload step can replace the inline form.
 */
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { GenerationError } from './errors';
import { type FormatInfo, SNIFF_BYTES, sniffImageFormat } from './imageFormat';
import { MAX_REFERENCE_BYTES, REFERENCE_FORMATS } from './models';
import type { CreateTaskBody, FileInfo } from './request';

export type ReferenceSource =
  | { kind: 'file'; path: string; text?: string }
  | { kind: 'url'; url: string; text?: string }
  | { kind: 'fileId'; fileId: string; text?: string };

export interface ReferenceStrategy {
  toFileInfo(source: ReferenceSource): Promise<FileInfo>;
}

export interface ReferenceInspection {
  bytes: number;
  format?: FormatInfo;
  /** Why the file cannot be sent, as an English one-line message; absent when it can. */
  problem?: string;
  /** The same as a template for `vscode.l10n.t`, with its arguments. */
  problemTemplate?: string;
  problemArgs?: (string | number)[];
}

const NOT_AN_IMAGE = 'Reference image {0} is not a PNG, JPEG or WebP image.';
const TOO_LARGE = 'Reference image {0} is {1} MB; the limit is {2} MB.';
const UNREADABLE = 'Reference image {0} cannot be read.';

function problem(
  file: string,
  template: string,
  ...more: (string | number)[]
): Pick<ReferenceInspection, 'problem' | 'problemTemplate' | 'problemArgs'> {
  const args = [path.basename(file), ...more];
  return { problem: referenceError(template, args).message, problemTemplate: template, problemArgs: args };
}

const accepted = (format: FormatInfo | undefined): boolean =>
  !!format && (REFERENCE_FORMATS as readonly string[]).includes(format.format);

/** Checks a local image without reading all of it: size from stat, format from its first bytes. Never throws. */
export async function inspectReferenceFile(file: string): Promise<ReferenceInspection> {
  let bytes: number;
  try {
    bytes = (await stat(file)).size;
  } catch {
    return { bytes: 0, ...problem(file, UNREADABLE) };
  }
  let format: FormatInfo | undefined;
  try {
    const handle = await open(file, 'r');
    try {
      const head = new Uint8Array(SNIFF_BYTES);
      const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
      format = sniffImageFormat(head.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return { bytes, ...problem(file, UNREADABLE) };
  }
  if (!accepted(format)) return { bytes, format, ...problem(file, NOT_AN_IMAGE) };
  if (bytes > MAX_REFERENCE_BYTES)
    return { bytes, format, ...problem(file, TOO_LARGE, megabytes(bytes), megabytes(MAX_REFERENCE_BYTES)) };
  return { bytes, format };
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function referenceError(template: string, args: (string | number)[]): GenerationError {
  return new GenerationError({ kind: 'referenceImage', template, args, field: 'file_infos' });
}

/** Reads a local image, checks it by magic bytes and size, and returns it as a data: URL. */
export async function fileToDataUrl(file: string): Promise<{ url: string; format: FormatInfo; sha256: string }> {
  const inspection = await inspectReferenceFile(file);
  if (inspection.problemTemplate || !inspection.format) {
    throw referenceError(inspection.problemTemplate ?? NOT_AN_IMAGE, inspection.problemArgs ?? [path.basename(file)]);
  }
  const bytes = await readFile(file);
  // Re-check what was actually read: the file may have changed since the stat.
  const format = sniffImageFormat(bytes.subarray(0, SNIFF_BYTES));
  if (!accepted(format) || !format) throw referenceError(NOT_AN_IMAGE, [path.basename(file)]);
  if (bytes.length > MAX_REFERENCE_BYTES) {
    throw referenceError(TOO_LARGE, [path.basename(file), megabytes(bytes.length), megabytes(MAX_REFERENCE_BYTES)]);
  }
  return {
    url: `data:${format.mime};base64,${bytes.toString('base64')}`,
    format,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

export const dataUrlStrategy: ReferenceStrategy = {
  async toFileInfo(source) {
    const text = source.text?.trim() ? source.text.trim() : undefined;
    switch (source.kind) {
      case 'file':
        return { type: 'Url', url: (await fileToDataUrl(source.path)).url, ...(text ? { text } : {}) };
      case 'url':
        return { type: 'Url', url: source.url.trim(), ...(text ? { text } : {}) };
      case 'fileId':
        return { type: 'File', file_id: source.fileId.trim(), ...(text ? { text } : {}) };
    }
  },
};

const DATA_URL = /^data:([^;,]+)[^,]*,(.*)$/s;
const OMITTED_INLINE = /^data:[^,]*;omitted \(\d+ bytes\)$/;

/**
 * The body with every inline (data: URL) image replaced by a short note naming its type and
 * size: what is stored in task records and sidecars, where megabytes of base64 do not belong.
 */
export function withoutInlineImages(body: CreateTaskBody): CreateTaskBody {
  if (!body.file_infos) return body;
  return {
    ...body,
    file_infos: body.file_infos.map((info) => {
      const match = info.url ? DATA_URL.exec(info.url) : null;
      if (!match) return info;
      const bytes = Math.floor((match[2]!.length * 3) / 4);
      return { ...info, url: `data:${match[1]};omitted (${bytes} bytes)` };
    }),
  };
}

/** A note left by `withoutInlineImages`: the image has to be read from its file again before sending. */
export function isOmittedInlineImage(url: string | undefined): boolean {
  return url !== undefined && OMITTED_INLINE.test(url);
}

/**
 * The body as it was sent: each inline image that `withoutInlineImages` replaced by a note is
 * read again from its file (`references` is aligned with `file_infos` by index). Needed only
 * when a task has to be submitted again after a reload.
 */
export async function restoreInlineImages(
  body: CreateTaskBody,
  references: readonly { path?: string }[],
  strategy: ReferenceStrategy = dataUrlStrategy,
): Promise<CreateTaskBody> {
  if (!body.file_infos) return body;
  const infos = await Promise.all(
    body.file_infos.map(async (info, index) => {
      const source = references[index]?.path;
      if (!isOmittedInlineImage(info.url) || !source) return info;
      const restored = await strategy.toFileInfo({ kind: 'file', path: source, text: info.text });
      return { ...info, url: restored.url };
    }),
  );
  return { ...body, file_infos: infos };
}
