/**
 * Where results go and what they are called:
 * `<workspace>/<outputFolder>/<yyyy-mm-dd>/<slug-of-prompt>-<short task id>.<ext>`,
 * plus `<that name>.json` (`….png.json`), the sidecar that makes the image reproducible.
 * Nothing here ever replaces an existing file.
 */
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { GenerationError } from './errors';

export const SLUG_MAX = 48;
/**
 * Names Windows keeps for devices, whatever the extension (`con.png` cannot be created; `NUL.jpg`
 * is the null device). `COM¹`–`COM³` and `LPT¹`–`LPT³` count too.
 */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * A file-name-safe slug. Letters and digits of every script survive (a Chinese
 * prompt gives a Chinese name, which all three systems store fine); everything else,
 * including `.` `/` `\` `:` and control characters, becomes a single `-`.
 */
export function slugify(text: string, max = SLUG_MAX): string {
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  let slug = '';
  for (const char of words) {
    if (slug.length + char.length > max) break;
    slug += char;
  }
  slug = slug.replace(/-+$/, '');
  // Cut at a word boundary when the prompt was long, so names do not end mid-word.
  if (words.length > slug.length && slug.includes('-') && words[slug.length] !== '-') {
    slug = slug.slice(0, slug.lastIndexOf('-'));
  }
  if (!slug) return 'image';
  return WINDOWS_RESERVED.test(slug) ? `image-${slug}` : slug;
}

/**
 * The first part of a relative path that Windows would not take as a file name, or undefined:
 * a device name by Windows' rule (the part before the first dot, spaces before that dot ignored,
 * any case: `com1.png`, `NUL.tar.gz`, `lpt9 .webp`), or a colon, which makes `C:foo.png` a path
 * relative to drive C's current folder and `hero.png:x` a hidden stream of `hero.png`. Such a
 * name written on one system breaks the repository on another, or writes somewhere else.
 */
export function windowsReservedPart(relative: string): string | undefined {
  return relative
    .split(/[\\/]+/)
    .find((part) => part.includes(':') || WINDOWS_RESERVED.test(part.split('.')[0]!.replace(/ +$/, '')));
}

/** Why a target with such a name is refused: the target, then the name (windowsReservedPart). */
export const RESERVED_NAME = {
  template:
    '{0} uses {1}, a name Windows reserves for a device or a drive (such as CON, NUL, COM1, LPT1 or a ":"): choose another file name.',
} as const;

/** The last 8 letters/digits of a task id: enough to tell tasks apart in a folder. */
export function shortTaskId(taskId: string): string {
  const alnum = taskId.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return alnum.slice(-8) || 'task';
}

/** Local calendar date, so the folder matches the day the user saw. */
export function dateFolder(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function resultBaseName(prompt: string, taskId: string, index = 0, count = 1): string {
  const base = `${slugify(prompt)}-${shortTaskId(taskId)}`;
  return count > 1 ? `${base}-${index + 1}` : base;
}

/** `name.png`, `name-2.png`, `name-3.png` … the n-th candidate for a free name. */
export function candidateName(base: string, extension: string, attempt: number): string {
  return attempt === 0 ? `${base}.${extension}` : `${base}-${attempt + 1}.${extension}`;
}

/**
 * `dir/name.png` → `dir/name.png.json`. The image's whole name, extension included, so a sidecar
 * can never take a configuration file's name: an image asked for as `package.png` or
 * `.vscode/settings.png` gets `package.png.json`, never `package.json` or `settings.json`.
 */
export function sidecarPathFor(imagePath: string): string {
  return `${imagePath}.json`;
}

/** `dir/name.png` → `dir/name.json`: where earlier versions put the sidecar, still read when it is one. */
export function legacySidecarPathFor(imagePath: string): string {
  const ext = path.extname(imagePath);
  return `${ext ? imagePath.slice(0, -ext.length) : imagePath}.json`;
}

/**
 * A Windows network or device path (`\\host\share\…`, `//host/share`, `\\?\UNC\…`): opening one can contact
 * that host (SMB), so a path from a setting or a sidecar that looks like one is never touched.
 */
export function isUncPath(value: string): boolean {
  return /^[\\/]{2}/.test(value.trim());
}

export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The deepest existing ancestor resolved through symlinks, so a link cannot smuggle a path out. */
async function realAncestor(target: string): Promise<string> {
  let current = target;
  for (;;) {
    try {
      const real = await realpath(current);
      return path.join(real, path.relative(current, target));
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return target;
      current = parent;
    }
  }
}

/**
 * The folder for today's results. `outputFolder` is relative to the workspace (an
 * absolute path must still be inside it); anything that resolves outside is refused.
 */
export async function resolveOutputDir(workspaceRoot: string, outputFolder: string, date: Date): Promise<string> {
  const root = path.resolve(workspaceRoot);
  const folder = outputFolder.trim() || 'generated-images';
  if (isUncPath(folder)) throw outsideWorkspace(folder);
  const dir = path.resolve(root, folder, dateFolder(date));
  const realRoot = await realAncestor(root);
  if (!isInside(root, dir) || !isInside(realRoot, await realAncestor(dir))) throw outsideWorkspace(folder);
  return dir;
}

function outsideWorkspace(folder: string): GenerationError {
  return new GenerationError({
    kind: 'fileSystem',
    code: 'outsideWorkspace',
    template:
      'The output folder {0} is outside the workspace; choose a folder inside it (setting aigcImage.outputFolder).',
    args: [folder],
    field: 'aigcImage.outputFolder',
  });
}

/**
 * True when `target` (a folder or file, existing or not) is inside `root` also after every
 * symbolic link on the way is followed: a link in the workspace cannot lead a write outside.
 */
export async function isReallyInside(root: string, target: string): Promise<boolean> {
  if (isUncPath(root) || isUncPath(target)) return false;
  const absolute = path.resolve(root, target);
  if (!isInside(path.resolve(root), absolute)) return false;
  return isInside(await realAncestor(path.resolve(root)), await realAncestor(absolute));
}
