// The Studio's finished files as a user meets them: the Finished file fields (a preset, the format,
// a transparent background, what the model is asked for, the messages naming a field), then from
// the keyboard only an exact size generated, the finished size on its card, Adjust crop moved with
// the arrow keys and saved with Enter; a transparent result over a checkerboard; axe-core in light
// and dark with the crop dialog open. The last two journeys need the landing step that makes
// finished files (core/landing.ts) and the image worker.
import assert from 'node:assert/strict';
import { axeRun } from './studioChecks.mjs';
import { GENERATE, closeAllEditors, quickPickRow, runCommand, studio, studioReady, until } from './workbench.mjs';

async function freshStudio(page) {
  await closeAllEditors(page);
  await runCommand(page, GENERATE);
  await studioReady(page);
  return studio(page);
}

/** The text of the error line of a form field, '' while it shows none. */
async function fieldError(frame, field) {
  const line = frame.locator(`[data-testid=field-error][data-field="${field}"]`);
  return (await line.isVisible()) ? ((await line.textContent()) ?? '').trim() : '';
}

/** Presses keys on the focused element of the Studio, one at a time, as a user does. */
async function press(page, ...keys) {
  for (const key of keys) await page.keyboard.press(key);
}

/** What the focused element inside the Studio is. */
async function focusedTestId(frame) {
  return frame.locator('html').evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
}

/** Whether the theme's checkerboard is drawn behind the card's (transparent) image. */
async function checkerboardBehind(card) {
  return card.locator('[data-testid=gallery-thumb]').evaluate((thumb) => {
    const style = getComputedStyle(thumb);
    return style.backgroundImage.includes('linear-gradient') && style.backgroundColor !== 'rgba(0, 0, 0, 0)';
  });
}

export async function setTheme(page, theme, kind) {
  await runCommand(page, 'Preferences: Color Theme');
  const label = theme.replace(/^Default /, '');
  await page.locator('.quick-input-widget .quick-input-box input').fill(label);
  await quickPickRow(page, label).click();
  await until(
    `the Studio to follow ${theme}`,
    async () => ((await studio(page).locator(`body.${kind}`).count()) > 0 ? true : undefined),
    30_000,
  );
}

export const finishChecks = [
  {
    name: 'a size preset fills the exact size, the form says what GEM is asked for, and a transparent JPEG is refused at the format field',
    async run({ page, shot }) {
      await page.setViewportSize({ width: 1440, height: 900 });
      const frame = await freshStudio(page);
      await frame.locator('[data-testid=model]').selectOption('GEM 2.5');
      await frame.locator('[data-testid=option-aspect_ratio]').selectOption('');
      await frame.locator('[data-testid=option-resolution]').selectOption('');
      await frame.locator('[data-testid=prompt]').fill('A lighthouse on a cliff at dawn');

      const preset = frame.locator('[data-testid=finish-preset]');
      assert.equal(await preset.inputValue(), '', 'no exact size by default');
      await preset.selectOption({ label: 'Social card (Open Graph) (1200×630)' });
      assert.equal(await frame.locator('[data-testid=finish-width]').inputValue(), '1200');
      assert.equal(await frame.locator('[data-testid=finish-height]').inputValue(), '630');
      await until('the line saying what is asked of GEM', async () =>
        /GEM for 16:9 at 720P, then crops to 1200×630/.test(
          (await frame.locator('[data-testid=finish-asks]').textContent()) ?? '',
        )
          ? true
          : undefined,
      );

      // One side only: the size field says so.
      await frame.locator('[data-testid=finish-height]').fill('');
      await until('the size field to ask for both sides', async () =>
        /width and a height/.test(await fieldError(frame, 'finish.size')) ? true : undefined,
      );
      await frame.locator('[data-testid=finish-height]').fill('0');
      await until('the size field to refuse 0', async () =>
        /from 1 to 8192/.test(await fieldError(frame, 'finish.size')) ? true : undefined,
      );
      await frame.locator('[data-testid=finish-height]').fill('630');

      await frame.locator('[data-testid=finish-format]').selectOption('jpeg');
      await frame.locator('[data-testid=finish-transparent]').check();
      await until('the format field to refuse a transparent JPEG', async () =>
        /JPEG cannot be transparent/.test(await fieldError(frame, 'finish.format')) ? true : undefined,
      );
      await shot('30-finish-fields-errors');
      const axe = await axeRun(frame);
      const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious, [], 'axe-core on the finish fields with their errors');

      // Put the form back for the journeys after this one.
      await frame.locator('[data-testid=finish-transparent]').uncheck();
      await frame.locator('[data-testid=finish-format]').selectOption('');
      await preset.selectOption('');
      assert.equal(await fieldError(frame, 'finish.format'), '');
    },
  },
  {
    name: 'keyboard only: an exact size generates a finished file the gallery shows at that size, and Adjust crop moves the frame with the arrow keys and saves with Enter',
    async run({ page, shot, sim }) {
      await page.setViewportSize({ width: 1440, height: 900 });
      // A model's real size (GEM's 16:9 at 720P: 1280×720), so the 1200×630 frame has room to move.
      sim.configure({ realSizes: true });
      try {
        await cropByKeyboard(page, shot);
      } finally {
        sim.configure({ realSizes: false });
      }
    },
  },
  {
    name: 'a transparent result is drawn over a checkerboard, and axe-core finds nothing serious in light and dark with the crop dialog open',
    async run({ page, shot }) {
      await page.setViewportSize({ width: 1440, height: 900 });
      const frame = await freshStudio(page);
      await frame.locator('[data-testid=model]').selectOption('GEM 2.5');
      await frame.locator('[data-testid=prompt]').fill('A red paper lantern, product shot');
      await frame.locator('[data-testid=finish-width]').fill('512');
      await frame.locator('[data-testid=finish-height]').fill('512');
      await frame.locator('[data-testid=finish-transparent]').check();
      await frame.locator('[data-testid=generate]').click();
      const card = frame.locator('[data-testid=gallery-item]', { hasText: 'A red paper lantern' }).first();
      const badge = card.locator('[data-testid=gallery-finished]');
      await badge.waitFor({ timeout: 60_000 });
      assert.match((await badge.textContent()) ?? '', /PNG · transparent$/);

      const found = [];
      for (const [theme, kind] of [
        ['Default Light Modern', 'vscode-light'],
        ['Default Dark Modern', 'vscode-dark'],
      ]) {
        await setTheme(page, theme, kind);
        assert.ok(await checkerboardBehind(card), `a checkerboard behind the transparent image (${kind})`);
        await shot(`33-transparent-card-${kind}`);
        await card.locator('[data-testid=gallery-adjust-crop]').click();
        await frame.locator('[data-testid=crop-frame]').waitFor();
        await shot(`33-transparent-${kind}`);
        const result = await axeRun(frame);
        for (const v of result.violations)
          if (v.impact === 'serious' || v.impact === 'critical')
            found.push(`${kind}: ${v.id} ${v.targets.join(' | ')}`);
        await page.keyboard.press('Escape');
        await frame.locator('[data-testid=crop-dialog]').waitFor({ state: 'detached' });
      }
      await setTheme(page, 'Default Dark Modern', 'vscode-dark');
      assert.deepEqual(found, []);
    },
  },
];

/** Keyboard only: an exact size, Generate, the finished card, Adjust crop moved by arrows and saved with Enter. */
async function cropByKeyboard(page, shot) {
  const frame = await freshStudio(page);
  await frame.locator('[data-testid=model]').selectOption('GEM 2.5');
  const prompt = frame.locator('[data-testid=prompt]');
  await prompt.focus();
  await page.keyboard.type('A wide mountain panorama, social card');
  await frame.locator('[data-testid=finish-width]').focus();
  await page.keyboard.type('1200');
  await press(page, 'Tab');
  await page.keyboard.type('630');
  await prompt.focus();
  await press(page, 'Control+Enter');

  const card = frame.locator('[data-testid=gallery-item]', { hasText: 'A wide mountain panorama' }).first();
  const badge = card.locator('[data-testid=gallery-finished]');
  await badge.waitFor({ timeout: 60_000 });
  assert.match((await badge.textContent()) ?? '', /^1200×630 (PNG|JPEG|WebP)$/);
  await shot('31-finished-card');

  await card.locator('[data-testid=gallery-adjust-crop]').focus();
  await press(page, 'Enter');
  const frameBox = frame.locator('[data-testid=crop-frame]');
  await frameBox.waitFor();
  // The frame takes the focus once the original has loaded and the frame is placed over it.
  await until('the crop frame to take the focus', async () =>
    (await focusedTestId(frame)) === 'crop-frame' ? true : undefined,
  );
  const before = (await frameBox.getAttribute('aria-label')) ?? '';
  const [, left, top] = /at (\d+), (\d+)/.exec(before) ?? [];
  // The frame is the part of the original kept: 1200×630's shape in the model's 1280×720 pixels.
  assert.match(before, /^Crop: 1280 by 672 at \d+, \d+; arrow keys move it$/);
  // The frame spans the width, so it moves up and down: ↓ a small step, Shift+↓ ten of them, never past the edge.
  await press(page, 'ArrowDown');
  const stepped = (await frameBox.getAttribute('aria-label')) ?? '';
  const [, steppedLeft, steppedTop] = /at (\d+), (\d+)/.exec(stepped) ?? [];
  assert.ok(Number(steppedTop) > Number(top), `↓ moved the frame down (${before} → ${stepped})`);
  assert.equal(steppedLeft, left, 'and not sideways');
  await press(page, 'Shift+ArrowDown', 'Shift+ArrowDown');
  const after = (await frameBox.getAttribute('aria-label')) ?? '';
  const [, movedLeft, movedTop] = /at (\d+), (\d+)/.exec(after) ?? [];
  assert.equal(Number(movedTop), 720 - 672, `Shift+↓ stops at the original's bottom edge (${after})`);
  assert.equal(movedLeft, left);
  assert.equal(
    (await frame.locator('[data-testid=crop-position]').textContent())?.trim(),
    after,
    'the new position is announced',
  );
  await shot('32-crop-moved');
  await press(page, 'Enter');
  await frame.locator('[data-testid=crop-dialog]').waitFor({ state: 'detached', timeout: 30_000 });
  await until('the card to show the new crop', async () => {
    await card.locator('[data-testid=gallery-adjust-crop]').focus();
    await press(page, 'Enter');
    const label = (await frameBox.getAttribute('aria-label', { timeout: 10_000 })) ?? '';
    await press(page, 'Escape');
    return label === after ? true : undefined;
  });
  await frame.locator('[data-testid=crop-dialog]').waitFor({ state: 'detached' });
  // Escape gives the focus back to the card's Adjust crop button.
  await until('the focus to return to the card', async () =>
    (await focusedTestId(frame)) === 'gallery-adjust-crop' ? true : undefined,
  );
}
