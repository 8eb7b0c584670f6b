// The project's styles as a user meets them in the Studio: the picker lists the styles of
// .vscode/aigc-styles.json with the default chosen, choosing one shows what it adds and puts its
// model in the form, a broken style is named with its field while "No style" still works, and
// axe-core finds nothing serious with all of it on screen. A style's first Generate asks in a modal
// and sends the style only after "Use Style"; a result's "Save as Style…" asks for a name and opens
// the file on the new style.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { axeRun } from './studioChecks.mjs';
import { GENERATE, closeAllEditors, runCommand, studio, studioReady, until } from './workbench.mjs';

const STYLES = {
  default: 'brand',
  styles: {
    brand: {
      description: 'Flat brand illustrations',
      prompt: 'Flat vector art of {prompt}, brand colours #1f6feb and #ffd33d',
      negativePrompt: 'photo, text',
      model: 'GEM 3.0',
      aspectRatio: '16:9',
    },
    sketch: { prompt: 'Pencil sketch:', model: 'GEM 2.5' },
  },
};

function writeStyles(workspace, styles) {
  mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  writeFileSync(path.join(workspace, '.vscode', 'aigc-styles.json'), JSON.stringify(styles, null, 2));
}

/** The lines of what the chosen style adds, as shown. */
async function addsShown(frame) {
  const list = frame.locator('[data-testid=style-adds]');
  return (await list.isVisible()) ? (await list.locator('li').allTextContents()).map((t) => t.trim()) : [];
}

export const stylesChecks = [
  {
    name: 'the style picker offers the project’s styles with the default chosen, shows what a style adds, and names a broken style and its field',
    async run({ page, workspace, shot }) {
      writeStyles(workspace, STYLES);
      try {
        await closeAllEditors(page);
        await runCommand(page, GENERATE);
        await studioReady(page);
        const frame = studio(page);
        const picker = frame.locator('[data-testid=style-picker]');
        await until('the styles in the picker', async () =>
          (await picker.locator('option').count()) === 3 ? true : undefined,
        );
        assert.deepEqual(
          (await picker.locator('option').allTextContents()).map((t) => t.trim()),
          ['No style', 'brand', 'sketch'],
        );
        assert.equal(await picker.inputValue(), 'brand', 'the default style is chosen');
        assert.equal(
          await frame.locator('[data-testid=model]').inputValue(),
          'GEM 3.0',
          'the style’s model is in the form',
        );
        const adds = await addsShown(frame);
        assert.ok(
          adds.some((line) => line.includes('Flat vector art of {prompt}')),
          `the template among ${adds.join(' | ')}`,
        );
        assert.ok(
          adds.some((line) => line.includes('photo, text')),
          `the negative prompt among ${adds.join(' | ')}`,
        );
        await shot('styles-picker');

        await picker.selectOption('sketch');
        assert.equal(await frame.locator('[data-testid=model]').inputValue(), 'GEM 2.5');
        assert.ok((await addsShown(frame)).some((line) => line.includes('Pencil sketch:')));

        writeStyles(workspace, { ...STYLES, styles: { ...STYLES.styles, card: { size: 'wide' } } });
        const problems = frame.locator('[data-testid=style-problems]');
        await until('the broken style to be named', async () =>
          (await problems.isVisible()) && (await problems.textContent()).includes('Style "card": size')
            ? true
            : undefined,
        );
        assert.equal(await picker.locator('option').count(), 3, 'the broken style is not offered, the others are');
        const axe = await axeRun(frame);
        const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(serious, [], 'axe-core with the picker, what it adds and the file’s problems');
        await shot('styles-broken');

        await picker.selectOption('');
        assert.deepEqual(await addsShown(frame), [], '"No style" adds nothing');
      } finally {
        rmSync(path.join(workspace, '.vscode', 'aigc-styles.json'), { force: true });
      }
    },
  },
  {
    name: 'the first Generate with a style asks in a modal and sends the style after Use Style; a result’s Save as Style… writes what its card shows under the name given',
    async run({ page, workspace, shot, sim }) {
      const template = 'Risograph print of {prompt}, two inks';
      writeStyles(workspace, { default: 'riso', styles: { riso: { prompt: template, model: 'GEM 3.0' } } });
      const file = path.join(workspace, '.vscode', 'aigc-styles.json');
      try {
        await closeAllEditors(page);
        await runCommand(page, GENERATE);
        await studioReady(page);
        const frame = studio(page);
        await until('the default style to be chosen', async () =>
          (await frame.locator('[data-testid=style-picker]').inputValue()) === 'riso' ? true : undefined,
        );
        const before = sim.tasks.size;
        await frame.locator('[data-testid=prompt]').fill('a paper kite');
        await frame.locator('[data-testid=generate]').click();
        const use = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Use Style' });
        await use.waitFor({ timeout: 30_000 });
        assert.equal(sim.tasks.size, before, 'nothing is sent while the question is open');
        await shot('styles-consent');
        await use.click();
        const card = frame.locator('[data-testid=gallery-item]', { hasText: 'Risograph print of a paper kite' });
        await until('the styled result in the gallery', async () => ((await card.count()) > 0 ? true : undefined));
        const bodies = [...sim.tasks.values()].slice(before).map((t) => t.body);
        assert.deepEqual(
          bodies.map((b) => [b.prompt, b.model_name, b.model_version]),
          [['Risograph print of a paper kite, two inks', 'GEM', '3.0']],
        );

        await card.first().locator('[data-testid=gallery-save-as-style]').click({ force: true });
        const input = page.locator('.quick-input-widget .quick-input-box input');
        await input.waitFor();
        await input.fill('kite');
        await page.keyboard.press('Enter');
        await until('the style to be saved', async () =>
          JSON.parse(readFileSync(file, 'utf8')).styles.kite ? true : undefined,
        );
        const saved = JSON.parse(readFileSync(file, 'utf8'));
        const kite = saved.styles.kite;
        assert.equal(kite.prompt, 'Risograph print of a paper kite, two inks', 'the prompt the card shows');
        assert.equal(kite.model, 'GEM 3.0');
        for (const field of Object.keys(kite))
          assert.ok(['prompt', 'model', 'aspectRatio'].includes(field), `${field} is not on the card`);
        assert.equal(saved.styles.riso.prompt, template, 'the other style is kept');
        await until('the file to open on the new style', async () =>
          (await page.locator('.editor-instance .view-line', { hasText: '"kite": {' }).count()) > 0 ? true : undefined,
        );
        await shot('styles-saved-from-card');
      } finally {
        rmSync(file, { force: true });
      }
    },
  },
];
