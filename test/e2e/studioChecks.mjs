// The Studio as a user of a narrow panel, a keyboard or a screen reader meets it: the Generate
// bar, the status line and the model's options in view at three panel widths, focus after
// Generate and after a result lands, the page standing still, and axe-core inside the webview
// in dark, light and both high-contrast themes. Figures go to out/results/studio-checks.json.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  GENERATE,
  closeAllEditors,
  quickPickRow,
  runCommand,
  runContextMenu,
  studio,
  studioReady,
  until,
} from './workbench.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** Panel widths of a wide editor, a split editor and a laptop with the Explorer open. */
const WIDTHS = [1100, 550, 350];
const WINDOW_HEIGHT = 760;
const figures = { widths: {}, axe: {}, focus: {} };

function saveFigures(root) {
  mkdirSync(path.join(root, 'out', 'results'), { recursive: true });
  writeFileSync(
    path.join(root, 'out', 'results', 'studio-checks.json'),
    JSON.stringify({ ...figures, at: new Date().toISOString() }, null, 2),
  );
}

/** Runs in the Studio's document; `fn` gets (the html element, arg). */
function inFrame(frame, fn, arg) {
  return frame.locator('html').evaluate(fn, arg);
}

async function frameSize(frame) {
  return inFrame(frame, () => ({ width: window.innerWidth, height: window.innerHeight }));
}

/** Sizes the browser window so that the Studio's own viewport is `width` wide (the workbench chrome around it varies). */
async function resizePanel(page, frame, width) {
  const start = page.viewportSize();
  if (start.height !== WINDOW_HEIGHT) {
    const now = await frameSize(frame);
    await page.setViewportSize({ width: start.width, height: WINDOW_HEIGHT });
    await until(
      'the Studio to take the new height',
      async () => ((await frameSize(frame)).height !== now.height ? true : undefined),
      10_000,
    ).catch(() => undefined);
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = await frameSize(frame);
    if (Math.abs(now.width - width) <= 12) return now;
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: Math.max(400, viewport.width + width - now.width), height: WINDOW_HEIGHT });
    await until(
      `the Studio to take a new width (now ${now.width})`,
      async () => ((await frameSize(frame)).width !== now.width ? true : undefined),
      10_000,
    ).catch(() => undefined);
  }
  const size = await frameSize(frame);
  assert.ok(Math.abs(size.width - width) <= 12, `the Studio is ${size.width} px wide, wanted ${width}`);
  return size;
}

/** Every scroller back to the top, so "in view" means "in view without scrolling". */
async function scrollToTop(frame) {
  await inFrame(frame, () => {
    document.scrollingElement.scrollTop = 0;
    for (const column of document.querySelectorAll('.column')) column.scrollTop = 0;
  });
}

async function boxes(frame) {
  return inFrame(frame, () => {
    const box = (selector) => {
      const element = document.querySelector(selector);
      if (!element) return undefined;
      const r = element.getBoundingClientRect();
      return {
        x: Math.round(r.left),
        y: Math.round(r.top),
        right: Math.round(r.right),
        bottom: Math.round(r.bottom),
        text: element.textContent?.trim().slice(0, 80),
      };
    };
    return {
      viewport: { width: window.innerWidth, height: window.innerHeight },
      generate: box('[data-testid=generate]'),
      status: box('.form-status'),
      bar: box('.generate-bar'),
      aspectRatio: box('[data-testid=option-aspect_ratio]'),
      resolution: box('[data-testid=option-resolution]'),
    };
  });
}

function assertInside(name, box, viewport, below = viewport.height) {
  assert.ok(box, `${name} is on the page`);
  assert.ok(
    box.x >= 0 && box.y >= 0 && box.right <= viewport.width && box.bottom <= below,
    `${name} ${JSON.stringify(box)} lies inside 0,0–${viewport.width},${below}`,
  );
}

async function removeReferences(frame) {
  const remove = frame.locator('[data-testid=reference-remove]');
  await until('no reference attached', async () => {
    if ((await remove.count()) === 0) return true;
    await remove.first().click();
    return undefined;
  });
}

/** The element with the keyboard focus inside the Studio, as a test id or tag. */
async function focused(frame) {
  return inFrame(frame, () => {
    const active = document.activeElement;
    if (!active || active === document.body || active === document.documentElement) return 'body';
    return active.getAttribute('data-testid') ?? active.tagName.toLowerCase();
  });
}

async function scrollerTop(frame) {
  return inFrame(frame, () => document.scrollingElement.scrollTop);
}

/** Presses `key` where the focus is; returns what has the focus once the task is listed and once its result is in the gallery. */
async function generateFromKeyboard(page, frame, key, prompt) {
  const results = frame.locator('[data-testid=gallery-item]');
  const count = await results.count();
  await page.keyboard.press(key);
  await frame
    .locator('[data-testid=task]', { hasText: prompt })
    .first()
    .waitFor({ state: 'attached', timeout: 15_000 });
  const afterStart = await focused(frame);
  await until(`the result of "${prompt}" in the gallery`, async () =>
    (await results.count()) > count ? true : undefined,
  );
  return { afterStart, afterResult: await focused(frame) };
}

/** axe-core inside the webview (the nonce CSP refuses a script tag, not an evaluated source). */
export async function axeRun(frame) {
  await inFrame(
    frame,
    (_html, source) => {
      if (!window.axe) (0, eval)(source);
    },
    AXE_SOURCE,
  );
  return inFrame(frame, async () => {
    // Experimental, so off by default, but what a voice-control user hits: a visible label that is not the accessible name.
    const result = await window.axe.run(document, { rules: { 'label-content-name-mismatch': { enabled: true } } });
    return {
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.length,
        targets: v.nodes
          .slice(0, 4)
          .map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`),
      })),
      incomplete: result.incomplete.map((v) => ({ id: v.id, nodes: v.nodes.length })),
      passes: result.passes.length,
    };
  });
}

/** Preferences: Color Theme, as a user picks one (a settings file written behind the workbench's back is not reread). */
async function setTheme(page, theme, kind) {
  await runCommand(page, 'Preferences: Color Theme');
  // The picker labels "Default Dark Modern" as "Dark Modern".
  const label = theme.replace(/^Default /, '');
  await page.locator('.quick-input-widget .quick-input-box input').fill(label);
  await quickPickRow(page, label).click();
  await until(
    `the Studio to follow ${theme}`,
    async () => ((await studio(page).locator(`body.${kind}`).count()) > 0 ? true : undefined),
    30_000,
  );
}

/** A fresh panel: what a user sees on opening the Studio (the form as the settings make it). */
async function reopenStudio(page) {
  await closeAllEditors(page);
  await runCommand(page, GENERATE);
  await studioReady(page);
  return studio(page);
}

export const studioChecks = [
  {
    name: 'at panel widths 1100, 550 and 350 px the Generate bar, its status line and the model options are in view',
    async run({ page, shot, root }) {
      const frame = studio(page);
      await frame.locator('[data-testid=prompt]').waitFor({ timeout: 30_000 });
      await removeReferences(frame);
      await frame.locator('[data-testid=model]').selectOption('GEM 2.5');
      await frame.locator('[data-testid=prompt]').fill('');
      const failures = [];
      for (const width of WIDTHS) {
        await resizePanel(page, frame, width);
        await scrollToTop(frame);
        // The status line at its longest: what a click on Generate with an empty prompt says.
        await frame.locator('[data-testid=generate]').click();
        await frame.locator('.form-status', { hasText: /\S/ }).waitFor();
        await scrollToTop(frame);
        const measured = await boxes(frame);
        figures.widths[width] = measured;
        console.log(
          `    ${measured.viewport.width}×${measured.viewport.height}: generate ${JSON.stringify(measured.generate)}, status ${JSON.stringify(measured.status)}, aspect ${JSON.stringify(measured.aspectRatio)}, resolution ${JSON.stringify(measured.resolution)}, bar top ${measured.bar?.y}`,
        );
        await shot(`10-width-${width}`);
        try {
          assertInside('the Generate bar', measured.bar, measured.viewport);
          assertInside('the Generate button', measured.generate, measured.viewport);
          assertInside('the status line', measured.status, measured.viewport);
          // Not under the sticky bar either.
          assertInside('the aspect ratio', measured.aspectRatio, measured.viewport, measured.bar.y);
          assertInside('the resolution', measured.resolution, measured.viewport, measured.bar.y);
        } catch (error) {
          failures.push(`${width} px: ${error.message}`);
        }
      }
      saveFigures(root);
      assert.deepEqual(failures, []);
    },
  },
  {
    name: 'in a 350 px panel focus stays on the control that started a generation, and the page does not jump when the result lands',
    async run({ page, shot, root }) {
      const frame = studio(page);
      await resizePanel(page, frame, 350);
      const prompt = frame.locator('[data-testid=prompt]');

      // From the keyboard, in the prompt.
      await scrollToTop(frame);
      await prompt.fill('A paper crane on a desk, origami');
      await prompt.focus();
      const before = await scrollerTop(frame);
      const { afterStart, afterResult } = await generateFromKeyboard(page, frame, 'Control+Enter', 'A paper crane');
      const after = await scrollerTop(frame);
      await shot('11-narrow-result-landed');
      figures.focus.keyboard = { afterStart, afterResult, scrollBefore: before, scrollAfter: after };

      // With the Generate button, activated from the keyboard.
      await prompt.fill('A paper boat on a pond, origami');
      await frame.locator('[data-testid=generate]').focus();
      const { afterStart: buttonAfterStart, afterResult: buttonAfterResult } = await generateFromKeyboard(
        page,
        frame,
        'Enter',
        'A paper boat',
      );
      figures.focus.button = { afterStart: buttonAfterStart, afterResult: buttonAfterResult };
      const status = await boxes(frame);
      figures.focus.statusAfterResult = status.status;
      console.log(`    focus: ${JSON.stringify(figures.focus)}`);
      saveFigures(root);

      assert.equal(afterStart, 'prompt', 'Ctrl+Enter leaves the focus in the prompt');
      assert.equal(afterResult, 'prompt', 'a result landing leaves the focus in the prompt');
      assert.ok(Math.abs(after - before) <= 2, `the page stood still (scrolled ${before} → ${after})`);
      assert.equal(buttonAfterStart, 'generate', 'the Generate button keeps the focus while the task starts');
      assert.equal(buttonAfterResult, 'generate', 'and after the result lands');
      assertInside('the status line after the result', status.status, status.viewport);

      // Away to another editor and back: the focus returns to the Generate button, not to the page.
      await runCommand(page, 'File: New Untitled Text File');
      await page.locator('.editor-instance .monaco-editor.focused').first().waitFor();
      await runCommand(page, 'View: Open Previous Editor');
      const back = await until(
        'the focus back in the Studio',
        async () => {
          const now = await focused(frame).catch(() => 'body');
          return now !== 'body' ? now : undefined;
        },
        10_000,
      ).catch(() => 'body');
      figures.focus.backToPanel = back;
      assert.equal(back, 'generate', 'coming back to the panel gives the focus back to the Generate button');

      // The status line leads to the result, which is far below in a narrow panel.
      const show = frame.locator('.form-status .status-action', { hasText: /result/i });
      await show.click();
      const where = () =>
        inFrame(frame, () => {
          const active = document.activeElement;
          const r = active.getBoundingClientRect();
          return {
            inGallery: !!active.closest('[data-testid=gallery-item]'),
            top: Math.round(r.top),
            bottom: Math.round(r.bottom),
            height: window.innerHeight,
          };
        });
      // The scroll is smooth: wait for it to arrive.
      await until(
        'the result to be focused and in view',
        async () => {
          const target = await where();
          return target.inGallery && target.top >= 0 && target.bottom <= target.height ? target : undefined;
        },
        10_000,
      ).catch(async () => assert.fail(`the result is focused and in view (${JSON.stringify(await where())})`));
      await shot('12-narrow-show-result');
    },
  },
  {
    name: 'Space on a workspace image attaches it and the focused thumbnail stays in view (1100 and 550 px)',
    async run({ page, shot }) {
      const frame = studio(page);
      const place = () =>
        inFrame(frame, () => {
          const r = document.activeElement.getBoundingClientRect();
          return {
            testid: document.activeElement.getAttribute('data-testid'),
            top: Math.round(r.top),
            bottom: Math.round(r.bottom),
            height: window.innerHeight,
          };
        });
      figures.focus.pickerSpace = {};
      for (const width of [1100, 550]) {
        await resizePanel(page, frame, width);
        await removeReferences(frame);
        await scrollToTop(frame);
        const search = frame.locator('[data-testid=picker-search]');
        if (!(await search.isVisible())) await frame.locator('.picker-toggle').click();
        // The search is debounced: from an unfiltered list, so the filtered one is the new drawing, not the last one.
        const names = () => frame.locator('[data-testid=picker-item]').allTextContents();
        await search.fill('');
        await until('the whole picker list', async () =>
          (await names()).some((t) => !t.includes('robot')) ? true : undefined,
        );
        await search.fill('robot');
        await until('the picker to show only robot', async () => {
          const texts = await names();
          return texts.length > 0 && texts.every((t) => t.includes('robot')) ? true : undefined;
        });
        await search.focus();
        await page.keyboard.press('ArrowDown');
        await until('a thumbnail to take the focus', async () =>
          (await focused(frame)) === 'picker-item' ? true : undefined,
        );
        const before = await place();
        await page.keyboard.press(' ');
        await frame.locator('[data-testid=reference]', { hasText: 'robot' }).first().waitFor();
        const after = await place();
        await shot(`13-picker-space-${width}`);
        figures.focus.pickerSpace[width] = { before, after };
        console.log(`    picker at ${width}: ${JSON.stringify(figures.focus.pickerSpace[width])}`);
        assert.equal(after.testid, 'picker-item', 'the thumbnail keeps the focus');
        assert.ok(
          after.top >= 0 && after.bottom <= after.height,
          `the thumbnail is in view (${JSON.stringify(after)})`,
        );
        assert.ok(Math.abs(after.top - before.top) <= 4, `and did not move (${before.top} → ${after.top})`);
      }
    },
  },
  {
    name: 'Explorer multi-select → Restyle with Qwen 0925 attaches what the model takes and says what it left out',
    async run({ page, shot }) {
      await page.setViewportSize({ width: 1440, height: 900 });
      const frame = studio(page);
      await removeReferences(frame);
      await frame.locator('[data-testid=model]').selectOption('Qwen 0925');
      const row = (name) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
      await until('hero.png in the Explorer', async () => {
        if (await row('hero.png').isVisible()) return true;
        const collapsed = page
          .locator('.explorer-folders-view .monaco-list-row[aria-expanded="false"]', { hasText: /^assets$/ })
          .first();
        if (await collapsed.isVisible()) await collapsed.click().catch(() => undefined);
        return undefined;
      });
      // Ctrl+click only: a plain click opens the image in the editor, and the list, no longer focused,
      // may miss the next Ctrl+click.
      const selected = async (name) => (await row(name).getAttribute('aria-selected')) === 'true';
      await until('hero.png and photo.jpg selected', async () => {
        for (const name of ['hero.png', 'photo.jpg'])
          if (!(await selected(name))) await row(name).click({ modifiers: ['Control'] });
        return (await selected('hero.png')) && (await selected('photo.jpg')) ? true : undefined;
      });
      await runContextMenu(page, row('photo.jpg'), 'Restyle Image…');
      const notice = frame.locator('[data-testid=notice-warning]', { hasText: 'Qwen 0925' });
      await notice.waitFor({ timeout: 20_000 });
      const text = await notice.textContent();
      const attached = await frame.locator('[data-testid=reference]').allTextContents();
      await shot('14-restyle-over-the-limit');
      assert.match(text, /Qwen 0925 takes at most 1 reference image\. Left out: (hero\.png|photo\.jpg)/);
      assert.equal(attached.length, 1, `one image attached (${attached.join(' | ')})`);
      await frame.locator('[data-testid=model]').selectOption('GEM 2.5');
      await removeReferences(frame);
      await notice.locator('button').click();
    },
  },
  {
    name: 'axe-core finds no serious or critical problem in dark, light and both high-contrast themes (empty form, form with errors, results)',
    async run({ page, shot, root }) {
      await page.setViewportSize({ width: 1440, height: 900 });
      const found = [];
      for (const [theme, kind] of [
        ['Default Dark Modern', 'vscode-dark'],
        ['Default Light Modern', 'vscode-light'],
        ['Dark High Contrast', 'vscode-high-contrast'],
        ['Light High Contrast', 'vscode-high-contrast-light'],
      ]) {
        await setTheme(page, theme, kind);
        const frame = await reopenStudio(page);
        await frame.locator('[data-testid=gallery-item]').first().waitFor({ timeout: 20_000 });
        const states = {};
        states.empty = await axeRun(frame);
        await shot(`15-axe-${kind}-empty`);

        // Errors everywhere the form shows them: the prompt, the references of a model over its limit, two choices that contradict.
        await frame.locator('[data-testid=model]').selectOption('GEM 2.5');
        await frame.locator('[data-testid=option-aspect_ratio]').selectOption('16:9');
        await frame.locator('[data-testid=option-resolution]').selectOption('1024x1024');
        for (const url of ['https://example.com/a.png', 'https://example.com/b.png']) {
          await frame.locator('[data-testid=reference-url]').fill(url);
          await frame.locator('[data-testid=reference-url]').press('Enter');
        }
        await frame.locator('[data-testid=model]').selectOption('Qwen 0925');
        await frame.locator('[data-testid=generate]').click();
        await frame.locator('[data-testid=field-error]:visible').first().waitFor();
        states.errors = await axeRun(frame);
        await shot(`16-axe-${kind}-errors`);
        await frame.locator('[data-testid=model]').selectOption('GEM 2.5');

        figures.axe[kind] = states;
        for (const [state, result] of Object.entries(states)) {
          const summary = result.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes})`).join(', ') || 'none';
          console.log(`    axe ${kind} ${state}: ${summary}; ${result.passes} rules pass`);
          for (const v of result.violations)
            if (v.impact === 'serious' || v.impact === 'critical')
              found.push(`${kind} ${state}: ${v.id} ${v.targets.join(' | ')}`);
          for (const v of result.violations)
            if (v.id === 'label-content-name-mismatch' || v.id === 'page-has-heading-one')
              found.push(`${kind} ${state}: ${v.id}`);
        }
      }
      saveFigures(root);
      await setTheme(page, 'Default Dark Modern', 'vscode-dark');
      assert.deepEqual(found, []);
    },
  },
];
