// The user journeys of the end-to-end suite, in order; each one leaves the workbench usable for the next.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { axeRun } from './studioChecks.mjs';
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
      const plainText = page.locator('.notifications-toasts .notification-toast', {
        hasText: 'stored in settings.json in plain text',
      });
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
      // Both by name: a file being placed (a temporary name, the image before its sidecar) is no result yet.
      const named = (f) => /^a-lighthouse-on-a-cliff-at-dusk-watercolor-[a-z0-9]{8}\.png$/.test(path.basename(f));
      const image = await until('the image named after the prompt and its sidecar on disk', () => {
        const now = outputFiles(workspace);
        const found = now.length >= before + 2 ? now.find(named) : undefined;
        return found && existsSync(`${found}.json`) ? found : undefined;
      });
      const sidecar = JSON.parse(readFileSync(`${image}.json`, 'utf8'));
      assert.equal(sidecar.prompt, 'A lighthouse on a cliff at dusk, watercolor');
      assert.equal(sidecar.request.file_infos.length, 1, 'the attached workspace image was sent');
      assert.ok(!JSON.stringify(sidecar).includes(sim.apiKey), 'no key in the sidecar');
      await frame
        .locator('[data-testid=gallery-item]', { hasText: 'A lighthouse on a cliff' })
        .first()
        .waitFor({ timeout: 20_000 });
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
        const collapsed = page
          .locator('.explorer-folders-view .monaco-list-row[aria-expanded="false"]', { hasText: /^assets$/ })
          .first();
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
      const sidecar = JSON.parse(readFileSync(`${image}.json`, 'utf8'));
      assert.deepEqual(
        sidecar.references.map((r) => r.path),
        ['assets/hero.png'],
      );
      await frame
        .locator('[data-testid=gallery-item]', { hasText: 'Restyle as pixel art' })
        .first()
        .waitFor({ timeout: 20_000 });
      await shot('07-restyle-in-gallery');
    },
  },
  {
    name: 'a failing task shows its message',
    async run({ page, sim, shot, workspace }) {
      sim.fault({
        route: 'create',
        fault: { kind: 'http', status: 400, message: 'Prompt is too spicy for this model' },
        times: 1,
      });
      const frame = studio(page);
      await frame.locator('[data-testid=prompt]').fill('Something the gateway refuses');
      const before = outputFiles(workspace).length;
      await frame.locator('[data-testid=generate]').click();
      // Where the user looks: the Studio's status line and the task row…
      await frame.locator('.form-status', { hasText: 'Prompt is too spicy' }).waitFor({ timeout: 20_000 });
      await frame
        .locator('[data-testid=task][data-status=refused]', { hasText: 'Prompt is too spicy' })
        .first()
        .waitFor();
      await shot('08-failure-message');
      // …and VS Code's notification. The workbench drops toasts that come in a burst (at most three
      // in 800 ms), so the notification is looked for where it always is: the notification center.
      await runCommand(page, 'Notifications: Show Notifications');
      await page
        .locator('.notifications-center .notification-list-item', { hasText: 'Prompt is too spicy' })
        .first()
        .waitFor({ timeout: 20_000 });
      await page.keyboard.press('Escape');
      assert.equal(outputFiles(workspace).length, before, 'nothing saved');
    },
  },
  {
    name: 'a gateway message with a command link is shown as text in all three answer shapes, and clicking it runs nothing',
    async run({ page, sim, shot }) {
      // The attack: a gateway's refusal carries a Markdown link to a command; VS Code turns such
      // text in a notification into a link, and a click would run the command with its arguments.
      const linked = (mode) =>
        `Balance low (${mode}). [Renew your plan](command:workbench.action.files.newUntitledFile "Open billing page")`;
      const untitled = page.locator('.tabs-container .tab', { hasText: /^Untitled/ });
      const untitledBefore = await untitled.count();
      if (
        !(await studio(page)
          .locator('[data-testid=prompt]')
          .isVisible()
          .catch(() => false))
      )
        await runCommand(page, GENERATE);
      await studioReady(page);
      try {
        for (const mode of ['native', 'queue', 'envelope']) {
          sim.configure({ mode });
          sim.fault({
            route: 'create',
            fault: { kind: 'taskFailure', errCode: 1, errCodeExt: '', message: linked(mode) },
            times: 1,
          });
          const frame = studio(page);
          await frame.locator('[data-testid=prompt]').fill(`A renewal banner (${mode})`);
          await frame.locator('[data-testid=generate]').click();
          await frame
            .locator('[data-testid=task][data-status=refused]', { hasText: `Balance low (${mode})` })
            .first()
            .waitFor({ timeout: 30_000 });
          await runCommand(page, 'Notifications: Show Notifications');
          const item = page
            .locator('.notifications-center .notification-list-item', { hasText: `Balance low (${mode})` })
            .first();
          await item.waitFor({ timeout: 20_000 });
          await shot(`09-linked-message-${mode}`);
          // Look at the DOM: the words are there, as text; no anchor, no command link.
          const message = item.locator('.notification-list-item-message');
          assert.match(await message.innerText(), /\[Renew your plan\] \(command:/);
          assert.equal(
            await message.locator('a, .monaco-link').count(),
            0,
            `no link in the ${mode} notification's message`,
          );
          // Where the link would be, a click does nothing.
          await message.getByText('Renew your plan').click();
          await runCommand(page, 'Notifications: Clear All Notifications');
          assert.equal(await untitled.count(), untitledBefore, `the ${mode} message's command never ran`);
        }
      } finally {
        sim.configure({ mode: 'native' });
      }
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
      for (let i = 0; i < 100; i++)
        linkSync(path.join(workspace, 'assets', 'icons', 'robot.png'), path.join(dir, `sprite-${d}-${i}.png`));
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
    await until('the search to narrow the list', async () =>
      (await frame.locator('[data-testid=picker-item]').count()) <= 12 ? true : undefined,
    );
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
    const figures = {
      images: total,
      interactiveMs,
      firstResultsMs,
      searchMs,
      drawnItems: drawn,
      webviewHeapMb: heapMb && Number(heapMb.toFixed(1)),
      at: new Date().toISOString(),
    };
    console.log(
      `    panel: interactive ${interactiveMs} ms, first picker results ${firstResultsMs} ms, search ${searchMs} ms, ${drawn} of ${total} items drawn, webview heap ${figures.webviewHeapMb} MB`,
    );
    mkdirSync(path.join(root, 'out', 'results'), { recursive: true });
    writeFileSync(path.join(root, 'out', 'results', 'panel-bench.json'), JSON.stringify(figures, null, 2));
  },
};

/** Quick Open (Ctrl+P), as a user opens a file by name; asked again while a file written a moment ago is not listed yet. */
async function openFile(page, name) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  // The row Enter opens: before the list is filtered, the first of the recent editors has the focus.
  const row = page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: name }).first();
  const opened = page.locator('.tabs-container .tab.active', { hasText: name }).first();
  let attempt = 0;
  // Each step is bounded and the whole is tried again: a webview that takes the focus (the Studio,
  // still loading) can keep Ctrl+P from the workbench or close Quick Open under the keyboard.
  await until(`${name} open from Quick Open`, async () => {
    await page.keyboard.press('Escape');
    // From the second try on, the focus is moved to the side bar first, as a user would click there.
    if (attempt++ > 0)
      await page
        .locator('.part.sidebar .composite.title')
        .first()
        .click()
        .catch(() => undefined);
    await page.keyboard.press('Control+P');
    try {
      await input.fill(name, { timeout: 5_000 });
      await row.waitFor({ timeout: 5_000 });
      await page.keyboard.press('Enter');
      await opened.waitFor({ timeout: 5_000 });
      return true;
    } catch {
      return undefined;
    }
  });
}

/** Puts the cursor on `pathText` in the editor, opens the light bulb (Ctrl+.) and chooses the fix `label` by keyboard. */
async function chooseQuickFix(page, pathText, label, beforeChoosing = async () => {}) {
  await page.locator('.monaco-editor .view-line span', { hasText: pathText }).last().click();
  const item = page.locator('.action-widget .monaco-list-row', { hasText: label }).first();
  await until('the quick fixes to show', async () => {
    if (await item.isVisible()) return true;
    await page.keyboard.press('Control+.');
    await item.waitFor({ timeout: 3_000 }).catch(() => undefined);
    return (await item.isVisible()) || undefined;
  });
  await beforeChoosing();
  // The menu animates in; keys choose the item the way a keyboard user does.
  await until(`"${label}" to be selected`, async () => {
    const focused = page.locator('.action-widget .monaco-list-row.focused');
    if (((await focused.textContent().catch(() => '')) ?? '').includes(label)) return true;
    await page.keyboard.press('ArrowDown');
    return undefined;
  });
  await page.keyboard.press('Enter');
}

const isPng = (file) => [...readFileSync(file).subarray(0, 4)].join() === [0x89, 0x50, 0x4e, 0x47].join();

/** The light bulb on a reference to a missing image, as a user clicks it. */
scenarios.push({
  name: 'a Markdown reference to a missing image → Ctrl+. → "Generate image for assets/boat.png with …" → the file appears there',
  async run({ page, workspace, shot }) {
    const target = path.join(workspace, 'assets', 'boat.png');
    await openFile(page, 'boats.md');
    const reference = page.locator('.monaco-editor .view-line', { hasText: 'boat.png' }).first();
    await reference.waitFor({ timeout: 20_000 });
    // The selection as a prompt: the editor's context menu offers it.
    await page.locator('.monaco-editor .view-line', { hasText: 'Paper boats' }).first().dblclick();
    await page.locator('.monaco-editor .view-line', { hasText: 'Paper boats' }).first().click({ button: 'right' });
    const fromSelection = page
      .locator('.monaco-menu .action-item .action-label', { hasText: 'Generate Image from Selection' })
      .first();
    await fromSelection.waitFor({ timeout: 10_000 });
    await shot('09b-generate-from-selection');
    await page.keyboard.press('Escape');
    await chooseQuickFix(page, 'boat.png', 'Generate image for assets/boat.png with', () =>
      shot('10-quick-fix-missing-image'),
    );
    await until('assets/boat.png on disk', () => existsSync(target));
    assert.ok(isPng(target), 'a PNG, saved under .png');
    await shot('11-quick-fix-saved');
    // Leave the Studio in front again, for the checks that follow.
    await runCommand(page, 'View: Close Editor');
    await runCommand(page, GENERATE);
    await studioReady(page);
  },
});

/** A page with three images that do not exist yet, for the Studio filled in by the quick fix. */
const LIGHTS = `# Lights at night

<img src="../assets/night/lantern.png" alt="A paper lantern glowing at dusk" width="1600" height="900">

![A red kite over the dunes](../assets/night/kite.jpg)

![Fireflies over a meadow](../assets/night/fireflies.png)
`;

/** "Generate image for <path>…" from lights.md: the Studio filled in with the reference's prompt and path. */
async function studioForMissing(page, workspace, pathText, label) {
  const file = path.join(workspace, 'docs', 'lights.md');
  if (!existsSync(file)) writeFileSync(file, LIGHTS);
  await openFile(page, 'lights.md');
  await page.locator('.monaco-editor .view-line', { hasText: pathText }).first().waitFor({ timeout: 20_000 });
  await chooseQuickFix(page, pathText, label);
  const frame = studio(page);
  await frame.locator('[data-testid=target]:visible').waitFor({ timeout: 30_000 });
  return frame;
}

scenarios.push({
  name: 'Ctrl+. → "Generate 1600×900 PNG for assets/night/lantern.png…" → the Studio filled in (prompt, exact size, target) → Generate → a finished PNG of exactly that size saved there',
  async run({ page, workspace, shot }) {
    const frame = await studioForMissing(
      page,
      workspace,
      'lantern.png',
      'Generate 1600×900 PNG for assets/night/lantern.png…',
    );
    assert.equal(
      await frame.locator('[data-testid=prompt]').inputValue(),
      'A paper lantern glowing at dusk',
      'the alt text is the prompt',
    );
    assert.deepEqual(
      [
        await frame.locator('[data-testid=finish-width]').inputValue(),
        await frame.locator('[data-testid=finish-height]').inputValue(),
      ],
      ['1600', '900'],
      'the <img> width × height is the exact size',
    );
    assert.equal((await frame.locator('[data-testid=target]').innerText()).trim(), 'Saves to assets/night/lantern.png');
    const remove = frame.locator('[data-testid=target-remove]');
    assert.equal(await remove.getAttribute('aria-label'), 'Save in the output folder instead');
    const axe = await axeRun(frame);
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], 'axe-core: nothing serious with the target shown');
    await shot('11b-studio-filled-by-quick-fix');
    await frame.locator('[data-testid=generate]').click();
    const target = path.join(workspace, 'assets', 'night', 'lantern.png');
    await until('assets/night/lantern.png on disk', () => existsSync(target));
    assert.ok(isPng(target));
    const bytes = readFileSync(target);
    assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [1600, 900], 'exactly the <img> size');
    const sidecar = await until('its sidecar', () =>
      existsSync(`${target}.json`) ? JSON.parse(readFileSync(`${target}.json`, 'utf8')) : undefined,
    );
    assert.equal(sidecar.prompt, 'A paper lantern glowing at dusk');
    assert.equal(sidecar.request.output_config.aspect_ratio, '16:9', 'the model was asked for the nearest shape');
    assert.match(sidecar.derivedFrom.file, /generated-images\//, 'made from the original in the output folder');
    // Saved: the form lets go of the target, so a second Generate cannot aim at a file that exists.
    await frame.locator('[data-testid=target]').waitFor({ state: 'hidden' });
    await frame.locator('.form-status', { hasText: 'Saved lantern.png' }).waitFor();
    await shot('11c-saved-at-target');
    // The 16:9 result is shown whole in the gallery: letterboxed in its tile, not cropped to a square.
    const thumb = frame
      .locator('[data-testid=gallery-item]', { hasText: 'A paper lantern glowing at dusk' })
      .first()
      .locator('img')
      .first();
    await thumb.scrollIntoViewIfNeeded();
    const shape = await until('the lantern thumbnail to load', () =>
      thumb.evaluate((img) =>
        img.complete && img.naturalWidth
          ? {
              natural: img.naturalWidth / img.naturalHeight,
              fit: getComputedStyle(img).objectFit,
              box: img.clientWidth / img.clientHeight,
            }
          : undefined,
      ),
    );
    assert.ok(Math.abs(shape.natural - 16 / 9) < 0.05, `the saved image is 16:9 (${shape.natural.toFixed(2)})`);
    const whole = ['contain', 'scale-down'].includes(shape.fit) || Math.abs(shape.box - shape.natural) < 0.02;
    assert.ok(
      whole,
      `shown whole: object-fit ${shape.fit}, tile ${shape.box.toFixed(2)} for an image of ${shape.natural.toFixed(2)}`,
    );
  },
});

scenarios.push({
  name: "the Studio filled in for a missing .jpg: the model's PNG is made into a JPEG at kite.jpg and the page is left as it was",
  async run({ page, workspace }) {
    const frame = await studioForMissing(page, workspace, 'kite.jpg', 'Generate image for assets/night/kite.jpg…');
    assert.equal(await frame.locator('[data-testid=prompt]').inputValue(), 'A red kite over the dunes');
    await frame.locator('[data-testid=generate]').click();
    const saved = path.join(workspace, 'assets', 'night', 'kite.jpg');
    await until('assets/night/kite.jpg on disk', () => existsSync(saved) && existsSync(`${saved}.json`));
    const bytes = readFileSync(saved);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG bytes under .jpg');
    assert.equal(existsSync(path.join(workspace, 'assets', 'night', 'kite.png')), false, 'no second name');
    assert.ok(readFileSync(path.join(workspace, 'docs', 'lights.md'), 'utf8').includes('../assets/night/kite.jpg)'));
  },
});

scenarios.push({
  name: 'the filled-in target removed by keyboard → Generate saves in the output folder instead',
  async run({ page, workspace }) {
    const frame = await studioForMissing(
      page,
      workspace,
      'fireflies.png',
      'Generate image for assets/night/fireflies.png…',
    );
    await frame.locator('[data-testid=target-remove]').press('Enter');
    await frame.locator('[data-testid=target]').waitFor({ state: 'hidden' });
    assert.equal(
      await frame.locator('[data-testid=prompt]').evaluate((el) => el === document.activeElement),
      true,
      'the focus goes to the prompt',
    );
    const before = outputFiles(workspace).length;
    await frame.locator('[data-testid=generate]').click();
    const files = await until('the image in the output folder', () => {
      const now = outputFiles(workspace);
      return now.length >= before + 2 ? now : undefined;
    });
    assert.ok(
      files.some((f) => /^fireflies-over-a-meadow-[a-z0-9]{8}\.png$/.test(path.basename(f))),
      files.map((f) => path.basename(f)).join(', '),
    );
    assert.equal(existsSync(path.join(workspace, 'assets', 'night', 'fireflies.png')), false);
  },
});
