// Variations as a user meets them in the Studio: from the keyboard only, a Variations count of 3
// makes three images from one Generate, each its own task; once they are saved their rows fold
// under one "finished" line that opens with Enter, so the results stay in view; axe-core in light
// and dark with the fold open.
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
    name: 'keyboard only: Variations 3 makes three images from one Generate, and their finished rows fold under one line that Enter opens',
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
      assert.deepEqual(await seriousProblems(page, frame), []);
    },
  },
];
