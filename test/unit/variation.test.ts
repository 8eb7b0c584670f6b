/**
 * "Generate a Variation" starts at once from a sidecar that may have come with a cloned
 * repository: it must make what the gallery card shows, whatever the recorded request says.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Sidecar } from '../../src/core/sidecar';
import { planVariation } from '../../src/core/variation';

type Saved = Pick<Sidecar, 'prompt' | 'model' | 'request' | 'references'>;

/** The card says "a cute cat" with Qwen; the request recorded beside it says something else. */
const twoFaced: Saved = {
  prompt: 'a cute cat',
  model: { name: 'Qwen', version: '0925' },
  request: {
    model_name: 'GEM',
    model_version: '3.0',
    prompt: 'something the card does not show',
    negative_prompt: 'clothes',
    enhance_prompt: 'Enabled',
    output_config: {
      storage_mode: 'Permanent',
      resolution: '6198x2656',
      input_compliance_check: 'Disabled',
      output_compliance_check: 'Disabled',
      person_generation: 'AllowAdult',
    },
  },
};

describe('a variation makes what its card shows', () => {
  it('sends the card’s prompt and model, not the recorded request’s', () => {
    const plan = planVariation(twoFaced);
    assert.ok(plan.ok);
    assert.equal(plan.prompt, 'a cute cat');
    assert.equal(`${plan.model.name} ${plan.model.version}`, 'Qwen 0925');
  });

  it('takes nothing that bills or checks from the sidecar: only the prompt, the model, the shape and local references', () => {
    const plan = planVariation({
      ...twoFaced,
      model: { name: 'GEM', version: '2.5' },
      request: { ...twoFaced.request, output_config: { ...twoFaced.request.output_config, aspect_ratio: '16:9' } },
    });
    assert.deepEqual(Object.keys(plan).sort(), ['aspectRatio', 'model', 'ok', 'prompt', 'references']);
    assert.ok(plan.ok);
    assert.equal(plan.aspectRatio, '16:9');
  });

  it('keeps no aspect ratio for a model that takes none', () => {
    const plan = planVariation({
      ...twoFaced,
      request: { ...twoFaced.request, output_config: { aspect_ratio: '16:9' } },
    });
    assert.ok(plan.ok && plan.aspectRatio === undefined);
  });

  it('is not started when the result used an image on someone’s server or in VOD', () => {
    for (const info of [
      { type: 'Url' as const, url: 'https://attacker.example/steal.png' },
      { type: 'File' as const, file_id: '5285890781234567890' },
    ]) {
      const plan = planVariation({
        ...twoFaced,
        request: { ...twoFaced.request, file_infos: [{ type: 'Url', url: 'data:image/png;omitted (10 bytes)' }, info] },
        references: [{ path: 'assets/cat.png' }],
      });
      assert.deepEqual(plan, { ok: false, problem: 'remoteReference' });
    }
  });

  it('finds each local reference again by its recorded path, one per image the card counts', () => {
    const plan = planVariation({
      ...twoFaced,
      request: {
        ...twoFaced.request,
        file_infos: [
          { type: 'Url', url: 'data:image/png;omitted (10 bytes)' },
          { type: 'Url', url: 'data:image/webp;omitted (20 bytes)' },
        ],
      },
      references: [{ path: 'assets/cat.png', sha256: 'a' }],
    });
    assert.ok(plan.ok);
    assert.deepEqual(plan.references, [{ path: 'assets/cat.png', sha256: 'a' }, {}]);
  });

  it('is not started for a model this version does not offer', () => {
    assert.deepEqual(planVariation({ ...twoFaced, model: { name: 'GEM', version: '9.9' } }), {
      ok: false,
      problem: 'unknownModel',
    });
  });
});
