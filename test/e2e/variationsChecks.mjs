// Variations as a user meets them in the Studio: from the keyboard only, a Variations count of 3
// makes three images from one Generate, each its own task; the compare view opens on them by
// itself, with the focus in it, and A and B flip two of them in the same place; once they are
// saved their rows fold under one "finished" line that opens with Enter, so the results stay in
// view; the compare view keeps one and discards the rest by keyboard; axe-core in light and dark
// with the grid and with the A/B view open.
import assert from 'node:assert/strict';
import { setTheme } from './finishChecks.mjs';
import { axeRun } from './studioChecks.mjs';
import { GENERATE, closeAllEditors, runCommand, studio, studioReady, until } from './workbench.mjs';

const PROMPT = 'A lighthouse at dusk, three tries';

/** Types a prompt, steps Variations up to 3 with the arrow keys and presses Enter there. */
async function generateThree(page, frame) {
  await frame.locator('[data-testid=prompt]').focus();
  await page.keyboard.type(PROMPT);
  await frame.locator('[data-testid=count]').focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await frame.locator('[data-testid=count]').inputValue(), '3');
  await page.keyboard.press('Enter');
}

async function seriousProblems(page, frame) {
  const found = [];
  for (const [theme, kind] of [
    ['Default Light Modern', 'vscode-light'],
    ['Default Dark Modern', 'vscode-dark'],
  ]) {
    await setTheme(page, theme, kind);
    const result = await axeRun(frame);
    for (const v of result.violations)
      if (v.impact === 'serious' || v.impact === 'critical') found.push(`${kind}: ${v.id} ${v.targets.join(' | ')}`);
  }
  return found;
}

export const variationsChecks = [
  {
    name: 'keyboard only: Variations 3 makes three images from one Generate, the compare view opens on them with A and B flipping in place, their finished rows fold under one line, and the compare view keeps one and discards the rest',
    async run({ page, shot, sim }) {
      await page.setViewportSize({ width: 1440, height: 900 });
      await closeAllEditors(page);
      await runCommand(page, GENERATE);
      await studioReady(page);
      const frame = studio(page);
      const before = sim.tasks.size;
      await generateThree(page, frame);
      const cards = frame.locator('[data-testid=gallery-item]', { hasText: PROMPT });
      await until('three results in the gallery', async () => ((await cards.count()) === 3 ? true : undefined));
      assert.equal(sim.tasks.size - before, 3, 'three tasks reached the image service');
      await flipByKeyboard(page, frame, shot);

      const toggle = frame.locator('[data-testid=tasks-finished-toggle]');
      await until('the finished rows to fold', async () =>
        (await frame.locator('[data-testid=task]:visible', { hasText: PROMPT }).count()) === 0 &&
        (await toggle.isVisible())
          ? true
          : undefined,
      );
      assert.match((await toggle.textContent()) ?? '', /\d+ finished/);
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      await shot('40-variations-folded');
      await toggle.focus();
      await page.keyboard.press('Enter');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      assert.equal(await frame.locator('[data-testid=task]:visible', { hasText: PROMPT }).count(), 3);
      await shot('40-variations-unfolded');
      await compareByKeyboard(page, frame, cards, shot);
    },
  },
];

/** Whether `locator`'s element has the focus inside its frame. */
const focused = (locator) => locator.evaluate((element) => element === document.activeElement);

/**
 * The batch lands while the user is still at the Variations field: the compare view opens on its
 * three images with the focus in the grid. A on the first, B on the second opens the A/B view:
 * both in the same box, F flips, Space keeps the one shown; the label and the live region name
 * the side. Escape goes back to the grid, Escape again closes it and the focus is where it was.
 */
async function flipByKeyboard(page, frame, shot) {
  const dialog = frame.locator('[data-testid=compare-dialog]');
  await until('the compare view to open on the batch', async () => ((await dialog.count()) === 1 ? true : undefined));
  const grid = frame.locator('[data-testid=compare-grid]');
  assert.equal(await frame.locator('[data-testid=compare-cell]').count(), 3);
  assert.ok(await focused(grid), 'the focus moved into the compare view');
  assert.match((await frame.locator('.compare-dialog .hint').first().textContent()) ?? '', /A and B/);
  await page.keyboard.press('a');
  const live = frame.locator('[data-testid=compare-live]');
  assert.match((await live.textContent()) ?? '', / is A\. Press B /);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('b');
  const flip = frame.locator('[data-testid=compare-flip]');
  await flip.waitFor();
  assert.ok(await focused(flip), 'the focus is on the A/B view');
  assert.deepEqual(await frame.locator('[data-testid=compare-side]').allTextContents(), ['A', 'B', '']);
  const label = frame.locator('[data-testid=compare-flip-label]');
  const image = frame.locator('[data-testid=compare-flip-image]');
  assert.match((await label.textContent()) ?? '', /^A: Image 1, /);
  assert.match((await live.textContent()) ?? '', /^Showing A: Image 1, .*F shows B\.$/);
  const shownA = { src: await image.getAttribute('src'), box: await image.boundingBox() };
  await page.keyboard.press('f');
  assert.match((await label.textContent()) ?? '', /^B: Image 2, /);
  assert.match((await live.textContent()) ?? '', /^Showing B: Image 2, /);
  const shownB = { src: await image.getAttribute('src'), box: await image.boundingBox() };
  assert.notEqual(shownB.src, shownA.src, 'F shows the other image');
  assert.deepEqual(shownB.box, shownA.box, 'A and B take the same place at the same size');
  await page.keyboard.press(' ');
  assert.match((await label.textContent()) ?? '', /\(Kept\)$/);
  assert.equal(await frame.locator('[data-testid=compare-cell][aria-selected=true]').count(), 1);
  assert.equal((await frame.locator('[data-testid=compare-apply]').textContent())?.trim(), 'Keep 1, discard 2');
  await shot('42-compare-flip');
  assert.deepEqual(await seriousProblems(page, frame), []);
  await flip.focus();
  await page.keyboard.press('Escape');
  await grid.waitFor();
  assert.ok(await focused(grid), 'Escape went back to the grid, with the focus in it');
  assert.equal(await dialog.count(), 1, 'Escape went back, not out');
  await page.keyboard.press('Escape');
  await until('the compare view to close', async () => ((await dialog.count()) === 0 ? true : undefined));
  assert.ok(await focused(frame.locator('[data-testid=count]')), 'the focus is back where it was');
}

/**
 * From a card of the batch: Compare…, move with the arrows, keep the second with Space, Enter
 * shows it large and Escape goes back; axe-core with the dialog open; then "Keep 1, discard 2".
 * code-server has no trash, so the two discarded results stay on disk and the Studio says so.
 */
async function compareByKeyboard(page, frame, cards, shot) {
  await cards.first().locator('[data-testid=gallery-compare]').focus();
  await page.keyboard.press('Enter');
  const grid = frame.locator('[data-testid=compare-grid]');
  await grid.waitFor();
  assert.equal(await frame.locator('[data-testid=compare-cell]').count(), 3);
  const active = () => grid.getAttribute('aria-activedescendant');
  const first = await active();
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await active(), first, 'the arrow key moved to the next image');
  await page.keyboard.press(' ');
  const kept = frame.locator('[data-testid=compare-cell][aria-selected=true]');
  assert.equal(await kept.count(), 1);
  assert.equal(await kept.getAttribute('id'), await active());
  assert.equal((await frame.locator('[data-testid=compare-apply]').textContent())?.trim(), 'Keep 1, discard 2');
  await page.keyboard.press('Enter');
  await frame.locator('[data-testid=compare-zoom]').waitFor();
  await shot('41-compare-zoomed');
  await page.keyboard.press('Escape');
  await grid.waitFor();
  assert.equal(await frame.locator('[data-testid=compare-dialog]').count(), 1, 'Escape went back, not out');
  await shot('41-compare-grid');
  assert.deepEqual(await seriousProblems(page, frame), []);
  await frame.locator('[data-testid=compare-apply]').focus();
  await page.keyboard.press('Enter');
  await until('the compare view to close', async () =>
    (await frame.locator('[data-testid=compare-dialog]').count()) === 0 ? true : undefined,
  );
  await until('the Studio to say why nothing was deleted', async () =>
    (await frame.getByText(/has no trash/).count()) > 0 ? true : undefined,
  );
  assert.equal(await cards.count(), 3, 'without a trash, the discarded results stay');
  await shot('41-compare-no-trash');
}
