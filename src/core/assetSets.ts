/**
 * Asset sets made from any image: which files a set holds, what they are called, and the lines
 * a user pastes into a page or a manifest to use them. Pure (no Node, no vscode), so the lists
 * and the wording are tested as tables.
 */
import { MAX_FINISHED_SIDE, type OutputFormat, OUTPUT_EXTENSIONS, type PixelSize } from './finish';

/** The sizes packed into `favicon.ico`: what browsers pick from for tabs, bookmarks and the taskbar. */
export const ICO_SIZES = [16, 32, 48] as const;

/** The PNG icons of a web icon set, by file name: the touch icon iOS asks for, the two a web manifest needs. */
export const WEB_ICON_PNGS: readonly { file: string; size: number }[] = [
  { file: 'apple-touch-icon.png', size: 180 },
  { file: 'icon-192.png', size: 192 },
  { file: 'icon-512.png', size: 512 },
];

export const FAVICON_FILE = 'favicon.ico';
export const WEB_MANIFEST_FILE = 'site.webmanifest';

/** The sets the Export Assets… command offers besides web icons. */
export const SIZED_SETS = {
  socialCard: { width: 1200, height: 630 },
  readmeBanner: { width: 1280, height: 640 },
} as const satisfies Record<string, PixelSize>;

/** A list a user typed was not understood: the item, and why (a template with `{0}` the item). */
export interface SizeListProblem {
  item: string;
  template: string;
  args: (string | number)[];
}

const NOT_A_SIZE = { template: 'Not a size: "{0}". Write sizes like 64, 128x64, 256.' } as const;
const OUT_OF_RANGE = { template: 'Size "{0}" is outside 1 to {1} pixels.' } as const;

/** "64, 128x64, 256" → 64×64, 128×64, 256×256 (a single number is a square); duplicates kept once. */
export function parseSizeList(text: string): { sizes: PixelSize[] } | { problem: SizeListProblem } {
  const items = text
    .split(/[,;\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) return { problem: { item: '', template: NOT_A_SIZE.template, args: [''] } };
  const sizes: PixelSize[] = [];
  for (const item of items) {
    const match = /^(\d{1,5})(?:\s*[x×*]\s*(\d{1,5}))?$/i.exec(item);
    if (!match) return { problem: { item, template: NOT_A_SIZE.template, args: [item] } };
    const width = Number(match[1]);
    const height = match[2] === undefined ? width : Number(match[2]);
    if (![width, height].every((side) => side >= 1 && side <= MAX_FINISHED_SIDE))
      return { problem: { item, template: OUT_OF_RANGE.template, args: [item, MAX_FINISHED_SIDE] } };
    if (!sizes.some((s) => s.width === width && s.height === height)) sizes.push({ width, height });
  }
  return { sizes };
}

/** `hero.png` → `hero` (the name every file of a set starts with). */
export function baseNameOf(fileName: string): string {
  return fileName.replace(/\.[^.]+$/, '') || fileName;
}

/** The n-th candidate for a set's folder beside its source: `hero-icons`, `hero-icons-2`, … */
export function iconFolderName(source: string, attempt: number): string {
  const base = `${baseNameOf(source)}-icons`;
  return attempt === 0 ? base : `${base}-${attempt + 1}`;
}

/** The n-th candidate for a sized file beside its source: `hero-1200x630.png`, `hero-1200x630-2.png`, … */
export function sizedFileName(source: string, size: PixelSize, format: OutputFormat, attempt: number): string {
  const base = `${baseNameOf(source)}-${size.width}x${size.height}`;
  return `${attempt === 0 ? base : `${base}-${attempt + 1}`}.${OUTPUT_EXTENSIONS[format]}`;
}

/** The `<head>` lines for a web icon set served from the site's root. */
export function iconLinkLines(): string[] {
  return [
    `<link rel="icon" href="/${FAVICON_FILE}" sizes="${ICO_SIZES.map((s) => `${s}x${s}`).join(' ')}">`,
    `<link rel="apple-touch-icon" href="/apple-touch-icon.png" sizes="180x180">`,
    `<link rel="manifest" href="/${WEB_MANIFEST_FILE}">`,
  ];
}

/** The `icons` member of a web app manifest for the set's 192 and 512 PNGs. */
export function manifestIcons(): { src: string; sizes: string; type: string }[] {
  return WEB_ICON_PNGS.filter((icon) => icon.file.startsWith('icon-')).map((icon) => ({
    src: `/${icon.file}`,
    sizes: `${icon.size}x${icon.size}`,
    type: 'image/png',
  }));
}

/** The `site.webmanifest` written into the set's folder. */
export function webManifestText(name: string): string {
  return `${JSON.stringify({ name, icons: manifestIcons() }, null, 2)}\n`;
}

/** The manifest's `icons` lines, to paste into a manifest the site already has. */
export function manifestIconLines(): string[] {
  return JSON.stringify({ icons: manifestIcons() }, null, 2).split('\n').slice(1, -1);
}
