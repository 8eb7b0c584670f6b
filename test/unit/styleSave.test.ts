/**
 * "Save as style" writes into a file the team shares: the saved style keeps only what the user
 * chose, reads back as the same style, and neither another style nor a file that is not a styles
 * file is lost on the way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileWithStyle, styleFromChoices } from '../../src/core/styleSave';
import { parseStylesText } from '../../src/core/styles';

function styleOf(made: ReturnType<typeof styleFromChoices>) {
  assert.ok('style' in made, JSON.stringify(made));
  return made.style;
}

describe('saving the form as a style', () => {
  it('keeps what the user chose, and nothing left empty', () => {
    const style = styleOf(
      styleFromChoices({
        prompt: 'Isometric pixel art of {prompt}',
        negativePrompt: '  ',
        model: 'GEM 3.0',
        aspectRatio: '',
        resolution: '2K',
        size: { width: 512, height: 512 },
        format: 'png',
        transparent: true,
        references: ['design/palette.png'],
      }),
    );
    assert.deepEqual(style, {
      prompt: 'Isometric pixel art of {prompt}',
      model: 'GEM 3.0',
      resolution: '2K',
      size: '512x512',
      format: 'png',
      transparent: true,
      references: ['design/palette.png'],
    });
  });

  it('refuses what no style may hold, naming the field', () => {
    const made = styleFromChoices({ prompt: 'x', format: 'jpeg', transparent: true });
    assert.ok('problem' in made);
    assert.deepEqual(made.problem.args[0], 'transparent');
  });

  it('adds the style beside the others, and it reads back as saved', () => {
    const current = JSON.stringify({ default: 'brand', styles: { brand: { prompt: 'Flat art of {prompt}' } } });
    const style = styleOf(styleFromChoices({ prompt: 'Ink drawing of {prompt}', model: 'Qwen 0925' }));
    const saving = fileWithStyle(current, 'ink', style);
    assert.ok('text' in saving);
    assert.equal(saving.replaces, false);
    const file = parseStylesText(saving.text);
    assert.deepEqual(file.problems, []);
    assert.equal(file.defaultName, 'brand');
    assert.deepEqual(
      file.styles.map((s) => [s.name, s.style]),
      [
        ['brand', { prompt: 'Flat art of {prompt}' }],
        ['ink', { prompt: 'Ink drawing of {prompt}', model: 'Qwen 0925' }],
      ],
    );
  });

  it('says when a style of that name would be replaced, so the user is asked first', () => {
    const current = JSON.stringify({ styles: { brand: { prompt: 'old' } } });
    const saving = fileWithStyle(current, 'brand', { prompt: 'new' });
    assert.ok('text' in saving);
    assert.equal(saving.replaces, true);
  });

  it('makes the file when there is none, and never writes over one that is not a styles file', () => {
    const fresh = fileWithStyle(undefined, 'brand', { prompt: 'x' });
    assert.ok('text' in fresh);
    assert.deepEqual(
      parseStylesText(fresh.text).styles.map((s) => s.name),
      ['brand'],
    );
    for (const current of ['{ "styles": ', '{"colours": ["#fff"]}', '[1, 2]']) {
      const saving = fileWithStyle(current, 'brand', { prompt: 'x' });
      assert.ok('problem' in saving, current);
    }
  });
});
