/**
 * "More Like This" on an image made with a project style fills the form with the style's name:
 * the prompt it puts back must be the one the user wrote, or the next Generate would wrap the
 * style's template around itself a second time. Each case lays a style over a prompt with the
 * real `applyStyle`, then undoes it from what the sidecar records.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AppliedStyle, applyStyle } from '../../src/core/styleApply';
import type { Style } from '../../src/core/styles';
import { unstyledRequest } from '../../src/core/unstyledRequest';

function sent(style: Style, prompt: string, negativePrompt?: string) {
  const styled = applyStyle({ name: 'house', style, json: '{}' }, prompt, negativePrompt ? { negativePrompt } : {});
  const applied: AppliedStyle = { name: 'house', source: '.vscode/aigc-styles.json', sha256: 'x', adds: styled.adds };
  const request = {
    prompt: styled.prompt,
    ...(styled.negativePrompt ? { negative_prompt: styled.negativePrompt } : {}),
  };
  return { request, applied };
}

describe('More Like This puts back the prompt the user wrote, not the styled one', () => {
  const cases: { name: string; style: Style; prompt: string; negative?: string }[] = [
    {
      name: 'a template with {prompt} in the middle',
      style: { prompt: 'Flat vector art of {prompt}, pastel' },
      prompt: 'a fox',
    },
    {
      name: 'a template with {prompt} at the start',
      style: { prompt: '{prompt} in watercolour' },
      prompt: 'a harbour',
    },
    { name: 'a template without {prompt}', style: { prompt: 'Isometric, soft light' }, prompt: 'a desk lamp' },
    { name: 'a template that repeats {prompt}', style: { prompt: '{prompt}; again: {prompt}' }, prompt: 'two owls' },
    { name: 'no template at all', style: { model: 'GEM 3.0' }, prompt: 'a lighthouse' },
    {
      name: 'the style’s negative prompt before the user’s',
      style: { negativePrompt: 'text, logos' },
      prompt: 'a cup',
      negative: 'steam',
    },
  ];
  for (const c of cases) {
    it(`with ${c.name}`, () => {
      const { request, applied } = sent(c.style, c.prompt, c.negative);
      const back = unstyledRequest(request, applied);
      assert.ok(back, 'the styled request could be undone');
      assert.equal(back.prompt, c.prompt);
      assert.equal(back.negativePrompt, c.negative);
    });
  }

  it('leaves out a negative prompt that only the style gave', () => {
    const { request, applied } = sent({ negativePrompt: 'text, logos' }, 'a cup');
    assert.equal(unstyledRequest(request, applied)?.negativePrompt, undefined);
  });

  it('counts the style’s reference images, which come before the user’s', () => {
    const { request, applied } = sent({ references: ['brand/a.png', 'brand/b.png'] }, 'a cup');
    assert.equal(unstyledRequest(request, applied)?.styleReferences, 2);
  });

  it('gives up rather than guess when the recorded prompt does not fit the template', () => {
    const { applied } = sent({ prompt: 'Flat vector art of {prompt}' }, 'a fox');
    assert.equal(unstyledRequest({ prompt: 'something edited by hand' }, applied), undefined);
    const negative = sent({ negativePrompt: 'text' }, 'a fox', 'blur');
    assert.equal(unstyledRequest({ ...negative.request, negative_prompt: 'other' }, negative.applied), undefined);
  });
});
