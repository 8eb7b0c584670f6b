/**
 * Coming back to the panel from another tab or editor, the webview's document has the focus but
 * no control does: the control the user was last in gets it back (the prompt, if that one is gone).
 */
export function rememberFocus(root: HTMLElement, signal: AbortSignal, fallback: () => HTMLElement): void {
  let lastFocused: HTMLElement | undefined;
  document.addEventListener(
    'focusin',
    (e) => {
      if (e.target instanceof HTMLElement && root.contains(e.target)) lastFocused = e.target;
    },
    { signal },
  );
  window.addEventListener(
    'focus',
    () => {
      if (document.activeElement && document.activeElement !== document.body) return;
      const target = lastFocused?.isConnected && !lastFocused.closest('[hidden]') ? lastFocused : fallback();
      target.focus({ preventScroll: true });
    },
    { signal },
  );
}
