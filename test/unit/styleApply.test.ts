/**
 * What a style does to a generation decides what is sent and billed: these are the rules a user
 * relies on (the template wraps the prompt, negative prompts add up, explicit choices win),
 * as a table of cases.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyColourFor } from '../../src/core/finish';
import { type StyleChoices, applyStyle, promptFromTemplate } from '../../src/core/styleApply';
import { type Style, parseStyles } from '../../src/core/styles';

function named(style: Style) {
  const file = parseStyles({ styles: { brand: style } });
  assert.deepEqual(file.problems, []);
  return file.styles[0]!;
}

const BRAND: Style = {
  prompt: 'Flat vector art of {prompt}, brand colours #1f6feb and #ffd33d',
  negativePrompt: 'photo, text',
  model: 'GEM 3.0',
  aspectRatio: '16:9',
  resolution: '2K',
  size: '1200x630',
  transparent: true,
  format: 'png',
  references: ['design/ref.png'],
  outputFolder: 'docs/images',
};

describe('applying a style', () => {
  it('puts the prompt where the template says, or after a template without a place for it', () => {
    const cases: [string | undefined, string, string][] = [
      ['Flat art of {prompt}, blue', 'a fox', 'Flat art of a fox, blue'],
      ['{prompt} — and again {prompt}', 'a fox', 'a fox — and again a fox'],
      ['Watercolour, soft light.', 'a fox', 'Watercolour, soft light. a fox'],
      [undefined, '  a fox ', 'a fox'],
      ['', 'a fox', 'a fox'],
    ];
    for (const [template, prompt, expected] of cases) assert.equal(promptFromTemplate(template, prompt), expected);
  });

  it('sends everything the style sets when the user chose nothing, and lists what it adds', () => {
    const styled = applyStyle(named(BRAND), 'a fox', {});
    const prompt = 'Flat vector art of a fox, brand colours #1f6feb and #ffd33d';
    assert.deepEqual(styled, {
      prompt,
      negativePrompt: 'photo, text',
      model: 'GEM 3.0',
      aspectRatio: '16:9',
      resolution: '2K',
      finish: { size: { width: 1200, height: 630 }, format: 'png', transparent: { key: keyColourFor(prompt) } },
      references: ['design/ref.png'],
      outputFolder: 'docs/images',
      adds: [
        { field: 'prompt', value: BRAND.prompt },
        { field: 'negativePrompt', value: 'photo, text' },
        { field: 'model', value: 'GEM 3.0' },
        { field: 'aspectRatio', value: '16:9' },
        { field: 'resolution', value: '2K' },
        { field: 'size', value: '1200x630' },
        { field: 'format', value: 'png' },
        { field: 'transparent', value: 'true' },
        { field: 'references', value: 'design/ref.png' },
        { field: 'outputFolder', value: 'docs/images' },
      ],
    });
  });

  it('lets what the user chose win over the style, and no longer lists what the style did not add', () => {
    const choices: StyleChoices = {
      model: 'Qwen 0925',
      aspectRatio: '1:1',
      resolution: '1080P',
      size: { width: 512, height: 512 },
      format: 'webp',
      transparent: false,
    };
    const styled = applyStyle(named(BRAND), 'a fox', choices);
    assert.equal(styled.model, 'Qwen 0925');
    assert.equal(styled.aspectRatio, '1:1');
    assert.equal(styled.resolution, '1080P');
    assert.deepEqual(styled.finish, { size: { width: 512, height: 512 }, format: 'webp' });
    assert.deepEqual(
      styled.adds.map((a) => a.field),
      ['prompt', 'negativePrompt', 'references', 'outputFolder'],
    );
  });

  it('adds the user’s negative prompt to the style’s instead of dropping either', () => {
    assert.equal(applyStyle(named(BRAND), 'a fox', { negativePrompt: 'cars' }).negativePrompt, 'photo, text, cars');
    assert.equal(applyStyle(named({}), 'a fox', { negativePrompt: ' cars ' }).negativePrompt, 'cars');
    assert.equal(applyStyle(named({}), 'a fox', {}).negativePrompt, undefined);
  });

  it('drops the style’s transparency when the user asked for a JPEG, which has no alpha', () => {
    const styled = applyStyle(named({ transparent: true }), 'a fox', { format: 'jpeg' });
    assert.deepEqual(styled.finish, { format: 'jpeg' });
  });

  it('asks for no finished file when neither the style nor the user wants one', () => {
    const styled = applyStyle(named({ prompt: 'Ink drawing of {prompt}' }), 'a fox', {});
    assert.equal(styled.finish, undefined);
    assert.deepEqual(styled.references, []);
    assert.equal(styled.outputFolder, undefined);
  });
});
