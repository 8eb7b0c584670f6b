// The spend ledger as a user meets it in the browser: the line beside Generate says what it will
// start, an image generated from the Studio is counted, and the Spending view draws it as a bar a
// keyboard reaches and names, clean under axe-core in a dark and a light theme (screenshots of both).
import assert from 'node:assert/strict';
import { axeRun } from './studioChecks.mjs';
import { GENERATE, closeAllEditors, quickPickRow, runCommand, studio, studioReady, until } from './workbench.mjs';

const SHOW_SPENDING = 'AIGC Image: Show Spending';

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The Spending view's document (the only webview open: every editor was closed first). */
async function openSpending(page) {
  await closeAllEditors(page);
  await runCommand(page, SHOW_SPENDING);
  const frame = studio(page);
  await frame
    .locator('main#spending:not([aria-busy]) [data-testid=spending-chart]')
    .first()
    .waitFor({ timeout: 60_000 });
  return frame;
}

async function setTheme(page, theme, kind) {
  await runCommand(page, 'Preferences: Color Theme');
  const label = theme.replace(/^Default /, '');
  await page.locator('.quick-input-widget .quick-input-box input').fill(label);
  await quickPickRow(page, label).click();
  await until(
    `the Spending view to follow ${theme}`,
    async () => ((await studio(page).locator(`body.${kind}`).count()) > 0 ? true : undefined),
    30_000,
  );
}

function assertAxeClean(result, theme) {
  assert.deepEqual(
    result.violations.map((v) => `${v.id} (${v.impact}): ${v.targets.join(' | ')}`),
    [],
    `axe-core in ${theme}`,
  );
}

export const spendingChecks = [
  {
    name: 'the line beside Generate says it starts 1 image, and the image it starts is counted today',
    async run({ page, shot }) {
      await closeAllEditors(page);
      await runCommand(page, GENERATE);
      await studioReady(page);
      const frame = studio(page);
      const estimate = frame.locator('[data-testid=generate-estimate]');
      await until('the estimate line', async () => ((await estimate.textContent()) === '1 image' ? true : undefined));
      await shot('spending-01-estimate');
      await frame.locator('[data-testid=prompt]').fill('A paper lantern over a harbour at night');
      await frame.locator('[data-testid=generate]').click();
      await frame.locator('[data-testid=gallery-item]').first().waitFor({ timeout: 60_000 });
    },
  },
  {
    name: 'the Spending view draws today’s images as a bar the keyboard reaches, axe-core clean in dark and light',
    async run({ page, shot }) {
      const frame = await openSpending(page);
      const bar = frame.locator(`g.column[aria-label^="${today()}: "]`);
      await until('today’s bar to count an image', async () => {
        const label = (await bar.getAttribute('aria-label')) ?? '';
        return /^\d{4}-\d{2}-\d{2}: [1-9]/.test(label) ? label : undefined;
      });
      assert.equal(await bar.getAttribute('tabindex'), '0', 'the bar takes the focus');
      await bar.focus();
      assert.equal(
        await frame.locator('html').evaluate(() => document.activeElement?.getAttribute('aria-label') ?? ''),
        await bar.getAttribute('aria-label'),
      );
      const chart = frame.locator('[data-testid=spending-chart]').first();
      assert.match((await chart.getAttribute('aria-label')) ?? '', /30 days/);
      await shot('spending-02-dark');
      assertAxeClean(await axeRun(frame), 'Dark Modern');
      await setTheme(page, 'Default Light Modern', 'vscode-light');
      await shot('spending-03-light');
      assertAxeClean(await axeRun(frame), 'Light Modern');
      await setTheme(page, 'Default Dark Modern', 'vscode-dark');
    },
  },
];
