/**
 * Fetches result images into a folder without ever holding one in memory and
 * without ever replacing an existing file.
 *
 * The `Authorization` header goes only to the configured API origin: result images
 * normally live on a CDN, and a redirect may lead anywhere, so every hop is checked
 * (redirects are followed by hand for that reason).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { access, copyFile, constants as fsConstants, link, mkdir, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { GenerationError, isAbortError, oneLine, toGenerationError } from './errors';
import { MAX_ERROR_BODY_BYTES, readCapped } from './readCapped';
import { sleep } from './gateway';
import { type FormatInfo, SNIFF_BYTES, sniffImageFormat } from './imageFormat';
import { candidateName, sidecarPathFor } from './naming';

/** Results are at most a few tens of MB (6198x2656 PNG); anything far bigger is not our image. */
export const DEFAULT_MAX_IMAGE_BYTES = 200 * 1024 * 1024;
const MAX_REDIRECTS = 5;

/**
 * The slowest a result may arrive: fewer than `bytes` in any `windowMs` (the wait for the answer
 * included) ends the attempt, and the lifecycle tries again on its usual cadence. A floor on the
 * pace rather than a deadline on the whole download: a deadline would have to allow the largest
 * image on a slow link, hours during which a CDN sending a byte every 29 s holds the task; a
 * floor ends such a trickle within one window whatever the size, while an image on a link that
 * keeps up takes as long as it needs.
 */
export interface MinimumPace {
  windowMs: number;
  bytes: number;
}

/** 512 KB per 30 s (about 17 KB/s): slower than any link worth waiting on; 200 MB at this floor takes 3 h 20 min. */
export const DEFAULT_MIN_PACE: MinimumPace = { windowMs: 30_000, bytes: 512 * 1024 };

export interface DownloadOptions {
  url: string;
  /** Origin of the configured API: the only one that may see `authorization`. */
  apiOrigin: string;
  authorization?: string;
  dir: string;
  /** File name without extension; the extension comes from the bytes. */
  baseName: string;
  maxBytes?: number;
  attempts?: number;
  /** Slower than this, an attempt is given up (see MinimumPace). */
  pace?: MinimumPace;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (received: number, total: number | undefined) => void;
}

export interface DownloadedImage {
  path: string;
  format: FormatInfo;
  bytes: number;
  sha256: string;
  /** The URL that finally served the bytes, after redirects. */
  finalUrl: string;
}

/** Why a download failed, for the task lifecycle: ask for a fresh URL, count a strike, or retry later. */
export type DownloadFailure = 'expired' | 'notImage' | 'tooLarge' | 'badUrl' | 'transient';

function downloadError(
  template: string,
  args: (string | number)[],
  failure: DownloadFailure,
  details?: string,
): GenerationError {
  // `server` makes it transient for the retry loop; the message stays about the image.
  return new GenerationError({
    kind: failure === 'transient' ? 'server' : 'download',
    code: failure,
    template,
    args,
    details,
  });
}

/** The lifecycle's reading of a download error (anything not marked is a file-system or transient problem). */
export function downloadFailureOf(error: GenerationError): DownloadFailure | undefined {
  if (
    error.kind === 'download' &&
    (error.code === 'expired' || error.code === 'notImage' || error.code === 'tooLarge' || error.code === 'badUrl')
  )
    return error.code;
  if (error.kind === 'download' && error.cause instanceof GenerationError) return downloadFailureOf(error.cause);
  return error.transient ? 'transient' : undefined;
}

/**
 * What a result that is not an image really is, judged by its bytes: the declared type is what
 * the server claimed (an HTML error page served as `image/png` is common), so it is named as a claim.
 */
function notImageTemplate(head: Uint8Array): string {
  const start = Buffer.from(head.subarray(0, 512)).toString('latin1').trimStart().toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html') || /^<(head|body|title|meta)\b/.test(start)) {
    return 'The result is not an image but an HTML page (the server called it {0}).';
  }
  if (start.startsWith('{') || start.startsWith('['))
    return 'The result is not an image but JSON (the server called it {0}).';
  if (/^[\t\n\r\x20-\x7e]*$/.test(start)) return 'The result is not an image but text (the server called it {0}).';
  return 'The result is not an image (the server called it {0}).';
}

/** Downloads with retries on network failures, 5xx and truncated bodies; other problems fail at once. */
export async function downloadImage(options: DownloadOptions): Promise<DownloadedImage> {
  await mkdir(options.dir, { recursive: true });
  const temp = path.join(options.dir, `.${options.baseName.slice(0, 40)}.${randomBytes(4).toString('hex')}.part`);
  try {
    const fetched = await fetchImageTo(temp, options);
    const placed = await placeWithoutOverwrite(temp, options.dir, options.baseName, fetched.format.extension);
    return { ...fetched, path: placed };
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

export type FetchedImage = Omit<DownloadedImage, 'path'>;

/**
 * Streams the image at `options.url` into `file` (created or replaced: it is the caller's own
 * temporary name), checking its bytes and size, with up to `attempts` tries for transient
 * failures. On failure the file is removed.
 */
export async function fetchImageTo(
  file: string,
  options: Omit<DownloadOptions, 'dir' | 'baseName'>,
): Promise<FetchedImage> {
  const attempts = Math.max(1, options.attempts ?? 3);
  let lastError: GenerationError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await fetchOnce(file, options);
    } catch (error) {
      await unlink(file).catch(() => undefined);
      lastError = toGenerationError(error);
      if (options.signal?.aborted || !lastError.transient || attempt === attempts) break;
      await sleep(lastError.retryAfterMs ?? 400 * 2 ** (attempt - 1), options.signal);
    }
  }
  const error = lastError!;
  if (error.kind === 'download' || error.kind === 'aborted' || error.kind === 'fileSystem') throw error;
  throw new GenerationError({
    kind: 'download',
    code: 'transient',
    template: 'Could not download the result image: {0}',
    args: [error.message],
    details: error.details,
    cause: error,
  });
}

async function fetchOnce(file: string, options: Omit<DownloadOptions, 'dir' | 'baseName'>): Promise<FetchedImage> {
  const pace = watchPace(options.pace ?? DEFAULT_MIN_PACE);
  const signal = options.signal ? AbortSignal.any([options.signal, pace.signal]) : pace.signal;
  try {
    const { response, finalUrl } = await fetchFollowingRedirects(options, signal);
    return await streamTo(file, response, finalUrl, options, signal, pace);
  } catch (error) {
    throw pace.verdict && !options.signal?.aborted ? pace.verdict : error;
  } finally {
    pace.stop();
  }
}

interface PaceWatch {
  signal: AbortSignal;
  /** Why the attempt was given up, once the pace fell below the floor. */
  verdict: GenerationError | undefined;
  received: number;
  stop(): void;
}

/** Aborts its signal at the end of a window in which fewer than `pace.bytes` arrived. */
function watchPace(pace: MinimumPace): PaceWatch {
  const controller = new AbortController();
  let counted = 0;
  const watch: PaceWatch = {
    signal: controller.signal,
    verdict: undefined,
    received: 0,
    stop: () => clearInterval(timer),
  };
  const timer = setInterval(() => {
    const inWindow = watch.received - counted;
    counted = watch.received;
    if (inWindow >= pace.bytes) return;
    watch.verdict =
      inWindow === 0
        ? downloadError('The image download stalled after {0} bytes.', [watch.received], 'transient')
        : downloadError(
            'The image host sent only {0} bytes in {1} s, too slowly to finish the image.',
            [inWindow, Number((pace.windowMs / 1000).toFixed(1))],
            'transient',
          );
    controller.abort(watch.verdict);
    clearInterval(timer);
  }, pace.windowMs);
  return watch;
}

async function streamTo(
  file: string,
  response: Response,
  finalUrl: string,
  options: Omit<DownloadOptions, 'dir' | 'baseName'>,
  signal: AbortSignal,
  pace: PaceWatch,
): Promise<FetchedImage> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(declared) ? declared : undefined;
  if (total !== undefined && total > maxBytes) {
    void response.body?.cancel();
    throw downloadError(
      'The result image is {0} MB, more than the {1} MB limit.',
      [mb(total), mb(maxBytes)],
      'tooLarge',
    );
  }
  if (!response.body) throw downloadError('The result image answer was empty.', [], 'transient');

  const hash = createHash('sha256');
  const out = createWriteStream(file, { flags: 'w' });
  // `finished` also settles when the stream is destroyed, which 'finish'/'error' listeners miss.
  const outDone = finished(out);
  let received = 0;
  let head = Buffer.alloc(0);
  let format: FormatInfo | undefined;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      pace.received = received;
      if (received > maxBytes) {
        throw downloadError('The result image is more than the {0} MB limit.', [mb(maxBytes)], 'tooLarge');
      }
      if (!format) {
        head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES)]);
        if (head.length >= SNIFF_BYTES) {
          format = sniffImageFormat(head);
          if (!format) {
            throw downloadError(
              notImageTemplate(head),
              [oneLine(response.headers.get('content-type') ?? 'no type', 80)],
              'notImage',
              oneLine(Buffer.from(chunk.subarray(0, 200)).toString('latin1'), 200),
            );
          }
        }
      }
      hash.update(chunk);
      options.onProgress?.(received, total);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  } catch (error) {
    out.destroy();
    await outDone.catch(() => undefined);
    throw streamFailure(error, received, total, signal, options.signal);
  }
  out.end();
  try {
    await outDone;
  } catch (error) {
    throw toGenerationError(error);
  }
  if (total !== undefined && received !== total) {
    throw downloadError('The result image arrived incomplete ({0} of {1} bytes).', [received, total], 'transient');
  }
  if (!format) format = sniffImageFormat(head);
  if (!format) throw downloadError('The result is not an image ({0} bytes).', [received], 'notImage');
  return { format, bytes: received, sha256: hash.digest('hex'), finalUrl };
}

function streamFailure(
  error: unknown,
  received: number,
  total: number | undefined,
  signal: AbortSignal,
  userSignal?: AbortSignal,
): GenerationError {
  if (error instanceof GenerationError) return error;
  if (userSignal?.aborted) return toGenerationError(userSignal.reason ?? error);
  if (signal.aborted || isAbortError(error)) {
    return downloadError('The image download stalled after {0} bytes.', [received], 'transient');
  }
  if (typeof (error as { syscall?: unknown })?.syscall === 'string') return toGenerationError(error);
  return downloadError(
    'The result image arrived incomplete ({0} of {1} bytes).',
    [received, total ?? '?'],
    'transient',
    error instanceof Error ? error.message : String(error),
  );
}

/** The address as a URL, or a `badUrl` error that names it when no URL parser would take it (`https://xn--/x.png`). */
function usableUrl(text: string, base: URL | undefined, template: string): URL {
  try {
    return new URL(text, base);
  } catch {
    throw downloadError(template, [oneLine(text, 200)], 'badUrl');
  }
}

/**
 * Follows up to five redirects by hand. The key is attached only while the URL's
 * origin is the API origin and the chain has not left it: a hop to another host
 * and back does not earn the header again.
 */
async function fetchFollowingRedirects(
  options: Pick<DownloadOptions, 'url' | 'apiOrigin' | 'authorization' | 'fetch' | 'signal'>,
  signal: AbortSignal,
): Promise<{ response: Response; finalUrl: string }> {
  const fetchImpl = options.fetch ?? fetch;
  let url = usableUrl(options.url, undefined, 'The image service gave an image address that cannot be used: {0}');
  let leftApiOrigin = false;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw downloadError('The result image URL is not http(s): {0}', [url.protocol], 'badUrl');
    }
    const sameOrigin = url.origin === options.apiOrigin;
    if (!sameOrigin) leftApiOrigin = true;
    const headers: Record<string, string> = { Accept: 'image/*' };
    if (options.authorization && sameOrigin && !leftApiOrigin) headers.Authorization = options.authorization;
    let response: Response;
    try {
      response = await fetchImpl(url, { headers, redirect: 'manual', signal });
    } catch (error) {
      if (options.signal?.aborted) throw toGenerationError(options.signal.reason ?? error);
      throw downloadError(
        'Could not reach the image host {0}: {1}',
        [url.host, oneLine(String((error as Error)?.cause ?? error))],
        'transient',
      );
    }
    if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
      void response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw downloadError('The image host redirected too many times.', [], 'badUrl');
      url = usableUrl(
        response.headers.get('location')!,
        url,
        'The image host redirected to an address that cannot be used: {0}',
      );
      continue;
    }
    if (response.ok) return { response, finalUrl: url.href };
    const text = oneLine((await readCapped(response, MAX_ERROR_BODY_BYTES).catch(() => ({ text: '' }))).text, 300);
    if (response.status === 403 || response.status === 404 || response.status === 410) {
      throw downloadError(
        'The result image link has expired or is gone (HTTP {0}); the task result can be queried for about 3 days.',
        [response.status],
        'expired',
        text,
      );
    }
    // Anything else (5xx, 429, an odd 4xx from a CDN in trouble) is worth another try later.
    throw downloadError('The image host answered HTTP {0}.', [response.status], 'transient', text);
  }
}

/**
 * Gives `temp` the name `target` unless that name exists: true when placed, false when taken.
 * `link` fails with EEXIST instead of replacing, which is the atomic "create only if absent"
 * a rename lacks; file systems without hard links (FAT, some shares) get an exclusive copy.
 * `temp` is left in place either way.
 */
export async function linkExclusive(temp: string, target: string): Promise<boolean> {
  try {
    await link(temp, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw toGenerationError(error);
  }
  try {
    await copyFile(temp, target, fsConstants.COPYFILE_EXCL);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw toGenerationError(error);
  }
}

/** Gives the finished temp file the first free name `base.ext`, `base-2.ext`, … (never replacing a file). */
export async function placeWithoutOverwrite(
  temp: string,
  dir: string,
  baseName: string,
  extension: string,
): Promise<string> {
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const target = path.join(dir, candidateName(baseName, extension, attempt));
    // An image and its sidecar share a name, so a name whose sidecar is taken is taken.
    if (await exists(sidecarPathFor(target))) continue;
    if (await linkExclusive(temp, target)) {
      await unlink(temp).catch(() => undefined);
      return target;
    }
  }
  throw noFreeName(baseName, dir);
}

export function noFreeName(baseName: string, dir: string): GenerationError {
  return new GenerationError({
    kind: 'fileSystem',
    template: 'Could not find a free file name for {0} in {1}.',
    args: [baseName, dir],
  });
}

export const MAX_NAME_ATTEMPTS = 1000;

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

export async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
