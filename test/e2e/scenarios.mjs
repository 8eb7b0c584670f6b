// The user journeys of the end-to-end suite, in order; each one leaves the workbench usable for the next.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { GENERATE, closeAllEditors, runCommand, runContextMenu, studio, studioReady, until } from './workbench.mjs';

const RESTYLE = 'Restyle Image…';

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function outputFiles(workspace) {
  const dir = path.join(workspace, 'generated-images', today());
  return existsSync(dir) ? readdirSync(dir).map((name) => path.join(dir, name)) : [];
}

async function openPickerAndAttach(frame, query) {
  const search = frame.locator('[data-testid=picker-search]');
  if (!(await search.isVisible())) await frame.locator('.picker-toggle').click();
  await search.fill(query);
  // Wait for the state, not a time: the list has been filtered (every item drawn matches), so the
  // item clicked is not replaced under the pointer by a re-render.
  const items = frame.locator('[data-testid=picker-item]');
  await until(`the picker to show only "${query}"`, async () => {
    const texts = await items.allTextContents();
    return texts.length > 0 && texts.every((t) => t.toLowerCase().includes(query.toLowerCase())) ? true : undefined;
  });
  await items.filter({ hasText: query }).first().click();
  await frame.locator('[data-testid=reference]', { hasText: query }).first().waitFor();
}

export const scenarios = [
  {
    name: 'palette → Generate Image… → Studio form → image and sidecar on disk and in the gallery',
    async run({ page, workspace, shot, sim }) {
      await runCommand(page, GENERATE);
      const frame = studio(page);
      const prompt = frame.locator('[data-testid=prompt]');
      await prompt.waitFor({ timeout: 30_000 });
      await shot('01-studio-opened');
      // The first screen is the product: the settings-stored key is not questioned before it is used.
      const plainText = page.locator('.notifications-toasts .notification-toast', { hasText: 'stored in settings.json in plain text' });
      assert.equal(await plainText.count(), 0, 'no key nag at start-up');
      await prompt.fill('A lighthouse on a cliff at dusk, watercolor');
      const options = await frame.locator('[data-testid=model] option').allTextContents();
      const gemini3 = options.find((o) => /3\.0/.test(o) && /gem|gemini/i.test(o));
      assert.ok(gemini3, `a Gemini 3.0 choice among ${options.join(' | ')}`);
      await frame.locator('[data-testid=model]').selectOption({ label: gemini3 });
      await openPickerAndAttach(frame, 'hero');
      await shot('02-form-filled');
      const before = outputFiles(workspace).length;
      await frame.locator('[data-testid=generate]').click();
      await frame.locator('[data-testid=task]').first().waitFor({ timeout: 15_000 });
      await shot('03-task-running');
      const files = await until('the image and its sidecar on disk', () => {
        const now = outputFiles(workspace);
        return now.length >= before + 2 ? now : undefined;
      });
      const image = files.find((f) => /^a-lighthouse-on-a-cliff-at-dusk-watercolor-[a-z0-9]{8}\.png$/.test(path.basename(f)));
      assert.ok(image, `image named after the prompt in ${files.map((f) => path.basename(f)).join(', ')}`);
      const sidecar = JSON.parse(readFileSync(image.replace(/\.png$/, '.json'), 'utf8'));
      assert.equal(sidecar.prompt, 'A lighthouse on a cliff at dusk, watercolor');
      assert.equal(sidecar.request.file_infos.length, 1, 'the attached workspace image was sent');
      assert.ok(!JSON.stringify(sidecar).includes(sim.apiKey), 'no key in the sidecar');
      await frame.locator('[data-testid=gallery-item]', { hasText: 'A lighthouse on a cliff' }).first().waitFor({ timeout: 20_000 });
      await shot('04-result-in-gallery');
      assert.equal(sim.cdnSawAuthorization(), false, 'the CDN never saw the key');
      // Now that the key has made an image, the move to secret storage is offered (once).
      await plainText.first().waitFor({ timeout: 20_000 });
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'Explorer right-click on a png → Restyle Image… → restyled copy saved',
    async run({ page, workspace, shot }) {
      // The Explorer re-draws its rows as files appear (the first scenario's results): click the
      // collapsed "assets" folder only while it is one, until hero.png shows.
      const heroRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'hero.png' }).first();
      await until('hero.png in the Explorer', async () => {
        if (await heroRow.isVisible()) return true;
        const collapsed = page.locator('.explorer-folders-view .monaco-list-row[aria-expanded="false"]', { hasText: /^assets$/ }).first();
        if (await collapsed.isVisible()) await collapsed.click().catch(() => undefined);
        return undefined;
      });
      await runContextMenu(page, heroRow, RESTYLE, () => shot('05-explorer-context-menu'));
      const frame = studio(page);
      const reference = frame.locator('[data-testid=reference]', { hasText: 'hero' }).first();
      await reference.waitFor({ timeout: 30_000 });
      const attached = await until('the form to hold exactly the restyled image', async () => {
        const names = await frame.locator('[data-testid=reference]').allTextContents();
        return names.length === 1 ? names : undefined;
      });
      assert.match(attached[0], /hero/);
      await frame.locator('[data-testid=prompt]').fill('Restyle as pixel art');
      await shot('06-restyle-attached');
      const before = outputFiles(workspace).length;
      await frame.locator('[data-testid=generate]').click();
      const files = await until('the restyled image on disk', () => {
        const now = outputFiles(workspace);
        return now.length >= before + 2 ? now : undefined;
      });
      const image = files.find((f) => path.basename(f).startsWith('restyle-as-pixel-art-') && f.endsWith('.png'));
      assert.ok(image, 'restyled image saved');
      const sidecar = JSON.parse(readFileSync(image.replace(/\.png$/, '.json'), 'utf8'));
      assert.deepEqual(sidecar.references.map((r) => r.path), ['assets/hero.png']);
      await frame.locator('[data-testid=gallery-item]', { hasText: 'Restyle as pixel art' }).first().waitFor({ timeout: 20_000 });
      await shot('07-restyle-in-gallery');
    },
  },
  {
    name: 'a failing task shows its message',
    async run({ page, sim, shot, workspace }) {
      sim.fault({ route: 'create', fault: { kind: 'http', status: 400, message: 'Prompt is too spicy for this model' }, times: 1 });
      const frame = studio(page);
      await frame.locator('[data-testid=prompt]').fill('Something the gateway refuses');
      const before = outputFiles(workspace).length;
      await frame.locator('[data-testid=generate]').click();
      // Where the user looks: the Studio's status line and the task row…
      await frame.locator('.form-status', { hasText: 'Prompt is too spicy' }).waitFor({ timeout: 20_000 });
      await frame.locator('[data-testid=task][data-phase=refused]', { hasText: 'Prompt is too spicy' }).first().waitFor();
      await shot('08-failure-message');
      // …and VS Code's notification. The workbench drops toasts that come in a burst (at most three
      // in 800 ms), so the notification is looked for where it always is: the notification center.
      await runCommand(page, 'Notifications: Show Notifications');
      await page.locator('.notifications-center .notification-list-item', { hasText: 'Prompt is too spicy' }).first().waitFor({ timeout: 20_000 });
      await page.keyboard.press('Escape');
      assert.equal(outputFiles(workspace).length, before, 'nothing saved');
    },
  },
];

/**
 * The Studio in a workspace of 10 000 images: time from the command to an interactive form and
 * to the first picker results, and the webview's memory. Figures for BENCHMARKS.md (written to
 * out/results/panel-bench.json); the assertions are about counts, never about time.
 */
export const panelBenchmark = {
  name: 'Studio with 10 000 workspace images: the picker lists them all and draws only a window',
  async run({ page, workspace, shot, root }) {
    const { linkSync, mkdirSync, writeFileSync } = await import('node:fs');
    const many = path.join(workspace, 'many');
    for (let d = 0; d < 100; d++) {
      const dir = path.join(many, `set-${String(d).padStart(3, '0')}`);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < 100; i++) linkSync(path.join(workspace, 'assets', 'icons', 'robot.png'), path.join(dir, `sprite-${d}-${i}.png`));
    }
    // A fresh panel, so the measurement includes creating it.
    await closeAllEditors(page);
    const t0 = Date.now();
    await runCommand(page, GENERATE);
    const frame = studio(page);
    await studioReady(page);
    const interactiveMs = Date.now() - t0;
    const search = frame.locator('[data-testid=picker-search]');
    if (!(await search.isVisible())) await frame.locator('.picker-toggle').click();
    await search.fill('');
    const t1 = Date.now();
    await frame.locator('[data-testid=picker-item]').first().waitFor({ timeout: 60_000 });
    const firstResultsMs = Date.now() - t1;
    const total = await until('the picker to count every image', async () => {
      const text = (await frame.locator('.picker-toggle .badge').textContent()) ?? '';
      const n = Number(text.replace(/[^\d]/g, ''));
      return n >= 10_000 ? n : undefined;
    });
    const t2 = Date.now();
    await search.fill('sprite-42-7');
    await until('the search to narrow the list', async () => ((await frame.locator('[data-testid=picker-item]').count()) <= 12 ? true : undefined));
    const searchMs = Date.now() - t2;
    await search.fill('');
    // The unfiltered list is drawn again asynchronously: wait for it, then count.
    const drawn = await until('the whole list to be drawn again', async () => {
      const texts = await frame.locator('[data-testid=picker-item]').allTextContents();
      return texts.some((t) => !t.includes('sprite-42-7')) ? texts.length : undefined;
    });
    const heapMb = await frame.locator('body').evaluate(() => {
      const memory = /** @type {{ usedJSHeapSize?: number }} */ (performance).memory;
      return memory?.usedJSHeapSize ? memory.usedJSHeapSize / 1024 / 1024 : undefined;
    });
    await shot('09-picker-10000-images');
    assert.ok(total >= 10_004, `the picker counts all images (${total})`);
    assert.ok(drawn > 0 && drawn < 300, `only a window of the list is in the DOM (${drawn} of ${total})`);
    const figures = { images: total, interactiveMs, firstResultsMs, searchMs, drawnItems: drawn, webviewHeapMb: heapMb && Number(heapMb.toFixed(1)), at: new Date().toISOString() };
    console.log(`    panel: interactive ${interactiveMs} ms, first picker results ${firstResultsMs} ms, search ${searchMs} ms, ${drawn} of ${total} items drawn, webview heap ${figures.webviewHeapMb} MB`);
    mkdirSync(path.join(root, 'out', 'results'), { recursive: true });
    writeFileSync(path.join(root, 'out', 'results', 'panel-bench.json'), JSON.stringify(figures, null, 2));
  },
};

/** The light bulb on a reference to a missing image, as a user clicks it. */
scenarios.push({
  name: 'a Markdown reference to a missing image → Ctrl+. → "Generate image for assets/boat.png with …" → the file appears there',
  async run({ page, workspace, shot }) {
    const target = path.join(workspace, 'assets', 'boat.png');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill('boats.md');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'boats.md' }).first().waitFor();
    await page.keyboard.press('Enter');
    const reference = page.locator('.monaco-editor .view-line', { hasText: 'boat.png' }).first();
    await reference.waitFor({ timeout: 20_000 });
    // The selection as a prompt: the editor's context menu offers it.
    await page.locator('.monaco-editor .view-line', { hasText: 'Paper boats' }).first().dblclick();
    await page.locator('.monaco-editor .view-line', { hasText: 'Paper boats' }).first().click({ button: 'right' });
    const fromSelection = page.locator('.monaco-menu .action-item .action-label', { hasText: 'Generate Image from Selection' }).first();
    await fromSelection.waitFor({ timeout: 10_000 });
    await shot('09b-generate-from-selection');
    await page.keyboard.press('Escape');
    // Put the cursor on the path, as a user clicks it.
    await page.locator('.monaco-editor .view-line span', { hasText: 'boat.png' }).last().click();
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Generate image for assets/boat.png with' }).first();
    await until('the quick fixes to show', async () => {
      if (await item.isVisible()) return true;
      await page.keyboard.press('Control+.');
      await item.waitFor({ timeout: 3_000 }).catch(() => undefined);
      return (await item.isVisible()) || undefined;
    });
    await shot('10-quick-fix-missing-image');
    // The menu animates in; keys choose the item the way a keyboard user does.
    await until('the fix with the default model to be selected', async () => {
      const focused = page.locator('.action-widget .monaco-list-row.focused');
      if (((await focused.textContent().catch(() => '')) ?? '').includes('Generate image for assets/boat.png with')) return true;
      await page.keyboard.press('ArrowDown');
      return undefined;
    });
    await page.keyboard.press('Enter');
    await until('assets/boat.png on disk', () => existsSync(target));
    const bytes = readFileSync(target);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG, saved under .png');
    await shot('11-quick-fix-saved');
    // Leave the Studio in front again, for the checks that follow.
    await runCommand(page, 'View: Close Editor');
    await runCommand(page, GENERATE);
    await studioReady(page);
  },
});
