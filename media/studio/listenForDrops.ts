/**
 * Files dropped on the panel from outside it (the Explorer with Shift, an editor tab, a browser)
 * become references; the whole panel shows it is a drop target while they are dragged over it.
 * A reference reordered inside its list is not a drop from outside.
 */
import { REORDER_TYPE } from './referenceCard';
import { EXTERNAL_DRAG_TYPES, transferredUris } from './transferredUris';

export interface DropHandlers {
  /** The URIs dropped, in order. */
  dropped(uris: string[]): void;
  /** Files without a URI (from the desktop or a browser window): they cannot be attached. */
  refused(names: string[]): void;
}

function isExternalDrag(data: DataTransfer | null): data is DataTransfer {
  if (!data) return false;
  const types = [...data.types];
  return !types.includes(REORDER_TYPE) && types.some((t) => EXTERNAL_DRAG_TYPES.has(t));
}

export function listenForDrops(root: HTMLElement, signal: AbortSignal, handlers: DropHandlers): void {
  // Entering a child fires before leaving its parent: the depth says when the drag has left the panel.
  let depth = 0;
  const options = { signal };
  document.addEventListener(
    'dragenter',
    (e) => {
      if (!isExternalDrag(e.dataTransfer)) return;
      e.preventDefault();
      depth += 1;
      root.classList.add('studio--dropping');
    },
    options,
  );
  document.addEventListener(
    'dragover',
    (e) => {
      if (!isExternalDrag(e.dataTransfer)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    options,
  );
  document.addEventListener(
    'dragleave',
    (e) => {
      if (!isExternalDrag(e.dataTransfer)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) root.classList.remove('studio--dropping');
    },
    options,
  );
  document.addEventListener(
    'drop',
    (e) => {
      if (!isExternalDrag(e.dataTransfer)) return;
      e.preventDefault();
      depth = 0;
      root.classList.remove('studio--dropping');
      dropped(e.dataTransfer, handlers);
    },
    options,
  );
}

function dropped(data: DataTransfer, handlers: DropHandlers): void {
  const uris = transferredUris(data);
  if (uris.length === 0 && data.files.length > 0) handlers.refused([...data.files].map((f) => f.name));
  else handlers.dropped(uris);
}
