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

/** Command palette, as a user types it; retried once when the palette opened before the commands were known. */
export async function runCommand(page, title) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 5_000 });
      await page.keyboard.press('Enter');
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
  await page.locator(STUDIO_WEBVIEW).first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
}

/** The Studio ready for input: built from the host's `init` (no longer busy). */
export function studioReady(page) {
  return studio(page).locator('[data-testid=studio]:not([aria-busy]) [data-testid=prompt]').waitFor({ timeout: 60_000 });
}

