/**
 * The agent tool's arguments: what it refuses before anything is billed, what finished file the
 * rest asks for, and what the model is told about the files it got.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FinishedFile } from '../../src/core/finish';
import { finishedAnswerLines } from '../../src/shared/imageToolAnswer';
import { finishSpecOf, imageToolInputSchema, toolInputProblem } from '../../src/shared/imageToolInput';

const valid = (input: Record<string, unknown>) => imageToolInputSchema.parse({ prompt: 'a fox', ...input });

describe('the agent tool refuses arguments it cannot honour, before anything is sent', () => {
  it('an argument the tool does not know is refused by name, with the list of the ones it knows', () => {
    const input = { prompt: 'a fox', size: '1200x630', background: 'none' };
    assert.equal(imageToolInputSchema.safeParse(input).success, false, 'an unknown argument is not dropped');
    const problem = toolInputProblem(input) ?? '';
    assert.match(problem, /Unknown arguments "size", "background"/);
    assert.match(problem, /takes only: prompt, model, .*width, height, transparent, format, quality/);
    assert.match(problem, /nothing was sent/i);
  });

  it('width without height (or height without width) is refused, naming both', () => {
    assert.match(toolInputProblem({ prompt: 'a fox', width: 1200 }) ?? '', /height: give width and height together/);
    assert.match(toolInputProblem({ prompt: 'a fox', height: 630 }) ?? '', /width: give width and height together/);
    assert.equal(toolInputProblem({ prompt: 'a fox', width: 1200, height: 630 }), undefined);
  });

  it('a side of 0, 8193 or 12.5 pixels is refused with the allowed range', () => {
    for (const width of [0, 8193, 12.5])
      assert.match(toolInputProblem({ prompt: 'a fox', width, height: 10 }) ?? '', /width: .*from 1 to 8192/);
  });

  it('a transparent JPEG is refused, naming transparent and where the JPEG came from', () => {
    assert.match(
      toolInputProblem({ prompt: 'a fox', transparent: true, format: 'jpeg' }) ?? '',
      /transparent: transparent cannot be combined with format jpeg: JPEG has no alpha channel/,
    );
    assert.match(
      toolInputProblem({ prompt: 'a fox', transparent: true, targetPath: 'assets/fox.jpg' }) ?? '',
      /transparent cannot be combined with targetPath "assets\/fox.jpg"/,
    );
  });

  it('a format that contradicts the target’s extension is refused, naming both', () => {
    assert.match(
      toolInputProblem({ prompt: 'a fox', format: 'webp', targetPath: 'assets/fox.png' }) ?? '',
      /format: format webp does not match targetPath "assets\/fox.png"/,
    );
  });
});

describe('the finished file the agent asks for', () => {
  it('width, height and transparent ask for that size, with a key colour the prompt does not use', () => {
    assert.deepEqual(finishSpecOf(valid({ prompt: 'a green frog', width: 512, height: 512, transparent: true })), {
      size: { width: 512, height: 512 },
      transparent: { key: '#ff00ff' },
    });
  });

  it('the format follows the target’s extension unless given', () => {
    assert.equal(finishSpecOf(valid({ width: 1200, height: 630, targetPath: 'og.webp' }))?.format, 'webp');
    assert.equal(finishSpecOf(valid({ width: 1200, height: 630, targetPath: 'og.jpeg' }))?.format, 'jpeg');
    assert.equal(finishSpecOf(valid({ width: 1200, height: 630 }))?.format, undefined, "the model's format");
    assert.deepEqual(finishSpecOf(valid({ format: 'avif', quality: 40 })), { format: 'avif', quality: 40 });
  });

  it('without any of those arguments the model’s image is saved as it is', () => {
    assert.equal(finishSpecOf(valid({ targetPath: 'assets/fox.png', aspectRatio: '16:9' })), undefined);
  });
});

describe('what the model is told about the files it got', () => {
  const finished = (extra: Partial<FinishedFile>): FinishedFile => ({
    path: '/ws/assets/og.png',
    bytes: 1,
    sha256: '0'.repeat(64),
    format: 'png',
    width: 1200,
    height: 630,
    hasAlpha: true,
    crop: { left: 0, top: 0, width: 1200, height: 630 },
    filter: 'lanczos3',
    ...extra,
  });
  const answer = (file: FinishedFile, transparentAsked: boolean) =>
    finishedAnswerLines({
      files: ['/ws/generated-images/og-1.png'],
      finished: [file],
      transparentAsked,
      shown: (f) => f.replace('/ws/', ''),
      link: (f) => `![og](${f.replace('/ws/', '')})`,
    }).join('\n');

  it('each file’s path, pixel size, format and alpha channel, and the original it was made from', () => {
    const text = answer(finished({}), true);
    assert.match(text, /Saved assets\/og.png \(1200×630 PNG, with an alpha channel\)/);
    assert.match(text, /!\[og\]\(assets\/og.png\)/);
    assert.match(text, /original image, kept at generated-images\/og-1.png/);
    assert.doesNotMatch(text, /opaque|Enlarged/);
  });

  it('an enlarged image says by how much and why', () => {
    assert.match(answer(finished({ upscale: 1.6 }), false), /Enlarged 1.6× — the model's image was smaller than asked/);
  });

  it('when the model ignored the key colour, it says plainly that the image is opaque', () => {
    const text = answer(finished({ hasAlpha: false, keyIgnored: true }), true);
    assert.match(text, /no alpha channel/);
    assert.match(text, /The background could not be removed; the image is opaque\./);
  });

  it('an image that could not be finished is said to be the original as it came', () => {
    const text = finishedAnswerLines({
      files: ['/ws/a.png'],
      unfinished: ['The image is damaged.'],
      transparentAsked: false,
      shown: (f) => f,
      link: (f) => f,
    }).join('\n');
    assert.match(text, /could not be finished, so the model's original is saved as it came: The image is damaged\./);
  });
});
