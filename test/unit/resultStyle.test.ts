/**
 * "Save as Style…" on a gallery card writes into the file the team shares: the style holds what
 * the card shows, and nothing a cloned sidecar's recorded request could slip into every later image.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choicesFromResult, styleLine } from '../../src/core/resultStyle';
import { fileWithStyle, styleFromChoices } from '../../src/core/styleSave';
import type { Sidecar } from '../../src/core/sidecar';

type Shown = Pick<Sidecar, 'prompt' | 'negativePrompt' | 'model' | 'request'>;

const result = (over: Partial<Shown> = {}): Shown => ({
  prompt: 'A lighthouse at dusk',
  model: { name: 'GEM', version: '3.0' },
  request: {
    model_name: 'GEM',
    model_version: '3.0',
    prompt: 'A lighthouse at dusk',
    output_config: { aspect_ratio: '16:9' },
  },
  ...over,
});

describe('saving a gallery result as a style', () => {
  it('keeps the card’s prompt, model and shape, and its finished file’s size, format and transparency', () => {
    const choices = choicesFromResult(
      result(),
      { size: { width: 1200, height: 630 }, format: 'webp', transparentAsked: true },
      ['design/ref.png'],
    );
    const made = styleFromChoices(choices);
    assert.ok('style' in made, JSON.stringify(made));
    assert.deepEqual(made.style, {
      prompt: 'A lighthouse at dusk',
      model: 'GEM 3.0',
      aspectRatio: '16:9',
      size: '1200x630',
      format: 'webp',
      transparent: true,
      references: ['design/ref.png'],
    });
  });

  it('never takes what only the sidecar’s recorded request says (another prompt, storage, checks, references on the web)', () => {
    const request = {
      model_name: 'Hunyuan',
      model_version: '3.0',
      prompt: 'something else entirely',
      negative_prompt: 'hidden',
      storage_mode: 'Permanent',
      output_config: { aspect_ratio: '16:9', resolution: '4K', person_generation: 'allow_adult' },
      file_infos: [{ type: 'Url', url: 'https://attacker.example/track.png' }],
    } as unknown as Sidecar['request'];
    const choices = choicesFromResult(result({ request }), undefined, []);
    assert.deepEqual(choices, { prompt: 'A lighthouse at dusk', model: 'GEM 3.0', aspectRatio: '16:9' });
  });

  it('leaves out a shape the card’s model does not take, and a model this version does not offer', () => {
    assert.equal(
      choicesFromResult(result({ model: { name: 'Qwen', version: '0925' } }), undefined, []).aspectRatio,
      undefined,
    );
    assert.equal(choicesFromResult(result({ model: { name: 'GEM', version: '9.9' } }), undefined, []).model, undefined);
  });

  it('does not copy the transparency instruction a transparent finish added to the prompt', () => {
    const prompt = 'A red fox\n\nPaint the subject on a perfectly flat, uniform solid #00ff00 background.';
    assert.equal(choicesFromResult(result({ prompt }), undefined, []).prompt, 'A red fox');
  });

  it('a JPEG finished file makes no transparent style (the file could not be saved)', () => {
    const choices = choicesFromResult(result(), { format: 'jpeg', transparentAsked: true }, []);
    assert.ok('style' in styleFromChoices(choices));
    assert.equal(choices.transparent, undefined);
  });

  it('the editor opens on the saved style’s line, not at the top of the file', () => {
    const first = fileWithStyle(undefined, 'brand', { prompt: 'Flat art of {prompt}', model: 'GEM 3.0' });
    assert.ok('text' in first);
    const second = fileWithStyle(first.text, 'hero', { prompt: 'Hero shot of {prompt}' });
    assert.ok('text' in second);
    const lines = second.text.split('\n');
    assert.match(lines[styleLine(second.text, 'hero')]!, /^ {4}"hero": \{/);
    assert.match(lines[styleLine(second.text, 'brand')]!, /^ {4}"brand": \{/);
  });
});
