// Driving the workbench as a user does: the command palette, the Studio's frame, waiting for a state.

export const GENERATE = 'AIGC Image: Generate Image…';

export async function until(what, probe, limitMs = 60_000) {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A quick-pick row by its exact label. */
export function quickPickRow(page, label) {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
}

/**
 * Command palette, as a user types it. Retried when the palette opened before the commands were
 * known, or did not open (F1 pressed in a webview as another quick pick was closing was seen to
 * go nowhere): the retry first clicks the side bar's title, which moves the focus to the workbench.
 * The row with exactly this title is clicked: Enter takes whichever row the palette ranks first
 * ("File: Compare New Untitled Text Files" for "File: New Untitled Text File").
 */
export async function runCommand(page, title) {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0)
      await page
        .locator('.part.sidebar .composite.title')
        .first()
        .click()
        .catch(() => undefined);
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    const row = quickPickRow(page, title);
    try {
      await input.waitFor({ timeout: 5_000 });
      await input.fill(`>${title}`);
      await row.waitFor({ timeout: 5_000 });
      await row.click();
      return;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`"${title}" is not in the command palette`);
}

const STUDIO_WEBVIEW = 'iframe.webview.ready[src*="extensionId=aigc-image-studio"]';

/** The Studio's document: webviews are an iframe inside an iframe (an image preview is another webview). */
export function studio(page) {
  return page.frameLocator(STUDIO_WEBVIEW).frameLocator('iframe#active-frame');
}

/** Closes every editor, the Studio included, so the next command opens a fresh panel. */
export async function closeAllEditors(page) {
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Close All Editors');
  await page
    .locator(STUDIO_WEBVIEW)
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 })
    .catch(() => undefined);
}

/** The Studio ready for input: built from the host's `init` (no longer busy). */
export function studioReady(page) {
  return studio(page)
    .locator('[data-testid=studio]:not([aria-busy]) [data-testid=prompt]')
    .waitFor({ timeout: 60_000 });
}

/**
 * Right-clicks `row` and runs the context-menu item `label`. The menu fades in, and a click during
 * the fade is ignored: wait until it is opaque, and click until the menu has closed.
 */
export async function runContextMenu(page, row, label, beforeClick = async () => {}) {
  await row.click({ button: 'right' });
  const menu = page.locator('.monaco-menu').first();
  await menu.waitFor();
  // The menu sits in a shadow root: its opacity is the product of its ancestors' across that boundary.
  const opaque = () =>
    menu.evaluate((el) => {
      let opacity = 1;
      for (let node = el; node; node = node.parentElement ?? node.getRootNode().host)
        opacity *= Number(getComputedStyle(node).opacity);
      return opacity === 1;
    });
  await until('the context menu to finish fading in', () => opaque().catch(() => false));
  await beforeClick();
  const item = page.locator('.monaco-menu .action-item .action-label', { hasText: label }).first();
  await until(
    `"${label}" to run from the context menu`,
    async () => {
      if (!(await menu.isVisible())) return true;
      await item.click().catch(() => undefined);
      return undefined;
    },
    15_000,
  );
}
