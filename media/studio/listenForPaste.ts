/** Pasting outside a text field: copied files and image URLs become references. */
import { isWebUrl, transferredUris } from './transferredUris';

export function listenForPaste(signal: AbortSignal, pasted: (uris: string[]) => void): void {
  document.addEventListener(
    'paste',
    (event) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]') || !event.clipboardData) return;
      const uris = transferredUris(event.clipboardData);
      const text =
        uris.length > 0 ? [] : (event.clipboardData.getData('text/plain') || '').split(/\r?\n/).map((l) => l.trim());
      const candidates = [...uris, ...text.filter((l) => isWebUrl(l) || /^file:\/\//i.test(l))];
      if (candidates.length === 0) return;
      event.preventDefault();
      pasted([...new Set(candidates)]);
    },
    { signal },
  );
}
