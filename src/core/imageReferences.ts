/**
 * Image references in source files — Markdown `![alt](path)`, HTML/JSX `<img src alt width
 * height>`, CSS `url(…)`, JS/TS `import x from './x.png'` and `require('./x.png')` — found by
 * their text, so a reference to a file that does not exist can be offered "Generate image".
 * Pure: offsets into the text, no file system.
 */
import { ASPECT_RATIOS, type AspectRatio, IMAGE_FILE_NAME } from './models';

export type ReferenceSyntax = 'markdown' | 'html' | 'css' | 'import';

export interface ImageReference {
  syntax: ReferenceSyntax;
  /** Offsets of the path as written (what a fix replaces). */
  start: number;
  end: number;
  path: string;
  alt?: string;
  width?: number;
  height?: number;
}

/** Which syntaxes each language can hold. */
const SYNTAXES: Record<string, readonly ReferenceSyntax[]> = {
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

export const REFERENCE_LANGUAGES = Object.keys(SYNTAXES);

/** A path that names a local file: not a URL, not data:, not protocol-relative, with an image extension. */
export function isLocalImagePath(value: string): boolean {
  const bare = value.replace(/[?#].*$/, '');
  if (!bare || /^[a-z][a-z0-9+.-]*:/i.test(bare) || bare.startsWith('//') || bare.includes('${') || bare.includes('{{')) return false;
  return IMAGE_FILE_NAME.test(bare);
}

function attribute(tag: string, name: string): { value: string; offset: number } | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|\\{\\s*["'\`]([^"'\`]*)["'\`]\\s*\\}|([^\\s>"']+))`, 'i').exec(tag);
  if (!m) return undefined;
  const value = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
  return { value, offset: m.index + m[0].lastIndexOf(value) };
}

function size(tag: string, name: string): number | undefined {
  const value = attribute(tag, name)?.value;
  const n = value ? Number.parseInt(value, 10) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function findImageReferences(text: string, languageId: string): ImageReference[] {
  const syntaxes = SYNTAXES[languageId] ?? [];
  const found: ImageReference[] = [];
  const add = (syntax: ReferenceSyntax, path: string, start: number, extra: Partial<ImageReference> = {}) => {
    if (isLocalImagePath(path)) found.push({ syntax, path, start, end: start + path.length, ...extra });
  };
  if (syntaxes.includes('markdown')) {
    for (const m of text.matchAll(/!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
      const path = m[2]!;
      add('markdown', path, m.index! + m[0].indexOf(path, 2 + m[1]!.length), { ...(m[1] ? { alt: m[1] } : {}) });
    }
  }
  if (syntaxes.includes('html')) {
    for (const m of text.matchAll(/<img\b[^>]*>/gi)) {
      const tag = m[0];
      const src = attribute(tag, 'src');
      if (!src) continue;
      const alt = attribute(tag, 'alt')?.value;
      const width = size(tag, 'width');
      const height = size(tag, 'height');
      add('html', src.value, m.index! + src.offset, { ...(alt ? { alt } : {}), ...(width ? { width } : {}), ...(height ? { height } : {}) });
    }
  }
  if (syntaxes.includes('css')) {
    for (const m of text.matchAll(/url\(\s*(['"]?)([^'")\s]+)\1\s*\)/g)) add('css', m[2]!, m.index! + m[0].indexOf(m[2]!));
  }
  if (syntaxes.includes('import')) {
    for (const m of text.matchAll(/\b(?:import\s+[\w${}\s,*]+\s+from\s+|import\s*\(\s*|require\s*\(\s*)(['"])([^'"\n]+)\1/g)) {
      add('import', m[2]!, m.index! + m[0].lastIndexOf(m[2]!));
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * A prompt for a missing image: its alt text; else the nearest heading above it (Markdown `#`
 * or an HTML heading); else words from its file name ("hero-banner.png" → "hero banner").
 */
export function promptFor(reference: ImageReference, text: string): string {
  if (reference.alt?.trim()) return reference.alt.trim();
  const before = text.slice(0, reference.start);
  const headings = [...before.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm), ...before.matchAll(/<h[1-6][^>]*>([^<]+)<\/h[1-6]>/gi)];
  const nearest = headings.sort((a, b) => b.index! - a.index!)[0];
  if (nearest?.[1]?.trim()) return nearest[1].trim();
  const name = reference.path.replace(/[?#].*$/, '').split(/[\\/]/).pop() ?? '';
  return name.replace(/\.[^.]+$/, '').replace(/[-_.]+/g, ' ').trim() || 'image';
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
