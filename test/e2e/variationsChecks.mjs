// Variations as a user meets them in the Studio: from the keyboard only, a Variations count of 3
// makes three images from one Generate, each its own task; once they are saved their rows fold
// under one "finished" line that opens with Enter, so the results stay in view; the compare view
// keeps one and discards the rest by keyboard; axe-core in light and dark with the dialog open.
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
    name: 'keyboard only: Variations 3 makes three images from one Generate, their finished rows fold under one line, and the compare view keeps one and discards the rest',
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
