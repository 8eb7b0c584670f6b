/**
 * Image references in source files — Markdown `![alt](path)`, HTML/JSX `<img src alt width
 * height>`, CSS `url(…)`, JS/TS `import x from './x.png'` and `require('./x.png')` — found by
 * their text, so a reference to a file that does not exist can be offered "Generate image".
 * Documents are untrusted: the scanners (`linkScanners.ts`, `importLinks.ts`) take
 * time linear in the text whatever it holds, and a request reads only the lines around its
 * range (`scanWindow.ts`). Pure: offsets into the text, no file system.
 */
import { Headings } from './headings';
import type { PixelSize } from './finish';
import { ASPECT_RATIOS, type AspectRatio, IMAGE_FILE_NAME } from './models';
import { scanImports } from './importLinks';
import { type Emit, scanCss, scanHtml, scanMarkdown } from './linkScanners';
import { SCAN_LIMITS, scanWindow } from './scanWindow';
import type { TextSpan } from './textRuns';

export type LinkSyntax = 'markdown' | 'html' | 'css' | 'import';

export interface ImageLink {
  syntax: LinkSyntax;
  /** Offsets of the path as written (what a fix replaces). */
  start: number;
  end: number;
  path: string;
  /** The whole reference (`![alt](path)`, the `<img …>` tag, the CSS declaration, the import): the fix is offered anywhere in it. */
  span: TextSpan;
  alt?: string;
  /** The pixel size the document gives the image (1 to MAX_FINISHED_SIDE), where it gives one. */
  width?: number;
  height?: number;
}

/** Which syntaxes each language can hold. */
const SYNTAXES: Record<string, readonly LinkSyntax[]> = {
  markdown: ['markdown', 'html'],
  mdx: ['markdown', 'html', 'import'],
  html: ['html', 'css'],
  css: ['css'],
  scss: ['css'],
  less: ['css'],
  javascriptreact: ['import', 'html'],
  typescriptreact: ['import', 'html'],
  javascript: ['import'],
  typescript: ['import'],
  vue: ['html', 'css', 'import'],
  svelte: ['html', 'css', 'import'],
};

export const IMAGE_LINK_LANGUAGES = Object.keys(SYNTAXES);

/**
 * Longer than any path a file system takes (Linux's PATH_MAX): whatever it is, it names no
 * file, and checking it would only cost time.
 */
const MAX_PATH_LENGTH = 4096;

/** In one fixed order, so that references at the same offset keep the order they always had. */
const SCANNERS: Record<LinkSyntax, (text: string, emit: Emit) => void> = {
  markdown: scanMarkdown,
  html: scanHtml,
  css: scanCss,
  import: scanImports,
};

/**
 * A path that names a local file: not a URL, not data:, not protocol-relative, with an image
 * extension, on one line and of a length a file system takes.
 */
export function isLocalImagePath(value: string): boolean {
  if (value.length > MAX_PATH_LENGTH || /[\n\r\u2028\u2029]/.test(value)) return false;
  const bare = value.replace(/[?#].*$/, '');
  if (!bare || /^[a-z][a-z0-9+.-]*:/i.test(bare) || bare.startsWith('//') || bare.includes('${') || bare.includes('{{'))
    return false;
  return IMAGE_FILE_NAME.test(bare);
}

/** Every image reference in `text`, in order; linear in its length whatever it holds. */
export function findImageLinks(text: string, languageId: string): ImageLink[] {
  const found: ImageLink[] = [];
  const syntaxes = SYNTAXES[languageId] ?? [];
  for (const syntax of (Object.keys(SCANNERS) as LinkSyntax[]).filter((s) => syntaxes.includes(s))) {
    SCANNERS[syntax](text, (path, start, extra) => {
      if (isLocalImagePath(path)) found.push({ syntax, path, start, end: start + path.length, ...extra });
    });
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * The references a request about [start, end) can act on: those whose whole construct touches
 * the range, found in its lines and a few around them (see `scanWindow`), at most
 * `referencesPerRequest`.
 */
export function linksInRange(text: string, languageId: string, start: number, end: number): ImageLink[] {
  const window = scanWindow(text, start, end);
  if (!window) return [];
  const moved = (offset: number) => offset + window.start;
  return findImageLinks(text.slice(window.start, window.end), languageId)
    .map((r) => ({
      ...r,
      start: moved(r.start),
      end: moved(r.end),
      span: { start: moved(r.span.start), end: moved(r.span.end) },
    }))
    .filter((r) => r.span.start <= end && start <= r.span.end)
    .slice(0, SCAN_LIMITS.referencesPerRequest);
}

/** The exact pixel size the document asks of the image: both sides stated, or none. */
export function statedSizeOf(reference: Pick<ImageLink, 'width' | 'height'>): PixelSize | undefined {
  return reference.width && reference.height ? { width: reference.width, height: reference.height } : undefined;
}

/**
 * A prompt for a missing image: its alt text; else the nearest heading above it (Markdown `#`
 * or an HTML heading); else words from its file name ("hero-banner.png" → "hero banner").
 */
export function promptFor(reference: ImageLink, text: string): string {
  if (reference.alt?.trim()) return reference.alt.trim();
  const heading = headingsOf(text).nearestBefore(reference.start)?.text.trim();
  if (heading) return heading;
  const name =
    reference.path
      .replace(/[?#].*$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  return (
    name
      .replace(/\.[^.]+$/, '')
      .replace(/[-_.]+/g, ' ')
      .trim() || 'image'
  );
}

/**
 * The quick fix asks for the prompts of several references in one document at once: its
 * headings are found once per text, not once per reference.
 */
let lastHeadings: Headings | undefined;
let lastText: string | undefined;

function headingsOf(text: string): Headings {
  if (text !== lastText || !lastHeadings) {
    lastHeadings = new Headings(text);
    lastText = text;
  }
  return lastHeadings;
}

/** The supported aspect ratio closest to width:height, when one is within 3 %. */
export function aspectRatioFor(width: number | undefined, height: number | undefined): AspectRatio | undefined {
  if (!width || !height) return undefined;
  const wanted = width / height;
  let best: { ratio: AspectRatio; error: number } | undefined;
  for (const ratio of ASPECT_RATIOS) {
    const [w, h] = ratio.split(':').map(Number) as [number, number];
    const error = Math.abs(w / h - wanted) / wanted;
    if (!best || error < best.error) best = { ratio, error };
  }
  return best && best.error <= 0.03 ? best.ratio : undefined;
}
