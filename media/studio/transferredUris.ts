/** The URIs a drop or a paste carries: VS Code's own list first, then an editor tab's, then a browser's. */

const URI_LIST_TYPES = ['application/vnd.code.uri-list', 'text/uri-list'];

/** The data types of a drag from outside the panel (the Explorer, an editor tab, a browser, the desktop). */
export const EXTERNAL_DRAG_TYPES: ReadonlySet<string> = new Set([
  ...URI_LIST_TYPES,
  'resourceurls',
  'codefiles',
  'Files',
]);

/** URIs from an Explorer drag (VS Code's own list first), an editor tab, or a browser. */
export function transferredUris(data: DataTransfer): string[] {
  const found: string[] = [];
  for (const type of URI_LIST_TYPES) {
    const text = data.getData(type);
    if (!text) continue;
    found.push(
      ...text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#')),
    );
    if (found.length > 0) break;
  }
  if (found.length === 0) {
    try {
      const resources = JSON.parse(data.getData('resourceurls') || '[]') as unknown;
      if (Array.isArray(resources)) found.push(...resources.filter((r): r is string => typeof r === 'string'));
    } catch {
      // not a resource list
    }
  }
  return [...new Set(found)];
}

export function isWebUrl(text: string): boolean {
  return /^https?:\/\/\S+$/i.test(text);
}
