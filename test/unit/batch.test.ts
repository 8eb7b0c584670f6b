/**
 * Variations: several images from one request. A count the Studio or an agent gives is checked
 * before anything is billed, and each task of a batch sends a request the gateway will accept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_VARIATIONS, batchRequests } from '../../src/shared/batch';
import { validateForm } from '../../src/shared/formRequest';
import type { FormValues } from '../../src/shared/formValues';
import { toolInputProblem } from '../../src/shared/imageToolInput';

const form = (extra: Partial<FormValues>): FormValues => ({
  prompt: 'a red fox in snow',
  negativePrompt: '',
  model: 'GEM 3.0',
  options: {},
  references: [],
  ...extra,
});

const countIssuesOf = (values: FormValues) => {
  const result = validateForm(values);
  return result.ok ? [] : result.issues.filter((issue) => issue.field === 'count');
};

describe('the Variations count in the Studio form', () => {
  it('accepts 1 to 8 images, and no count at all as one image', () => {
    for (const count of [undefined, 1, 2, MAX_VARIATIONS]) assert.deepEqual(countIssuesOf(form({ count })), []);
  });

  it('names the Variations field when 0, 9 or 2.5 images are asked for', () => {
    for (const count of [0, 9, 2.5, Number.NaN])
      assert.deepEqual(countIssuesOf(form({ count })), [
        { field: 'count', message: 'must be a whole number from 1 to 8' },
      ]);
  });

  it('refuses several images for a fixed file name, which holds one', () => {
    const issues = countIssuesOf(form({ count: 3, target: 'assets/hero.png' }));
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /must be 1 when the image is saved at a fixed file name/);
    assert.deepEqual(countIssuesOf(form({ count: 1, target: 'assets/hero.png' })), []);
  });
});

describe('the agent tool’s count', () => {
  it('takes 1 to 8 and refuses anything else by name before anything is sent', () => {
    assert.equal(toolInputProblem({ prompt: 'a fox', count: 3 }), undefined);
    for (const count of [0, 9, 1.5, '3'])
      assert.match(toolInputProblem({ prompt: 'a fox', count }) ?? '', /Invalid input count: .*Nothing was sent/);
  });

  it('refuses several images with a target path, saying to leave the path out', () => {
    assert.match(
      toolInputProblem({ prompt: 'a fox', count: 2, targetPath: 'assets/fox.png' }) ?? '',
      /count: count 2 cannot be combined with targetPath "assets\/fox.png".*leave out targetPath/,
    );
  });
});

describe('the requests a batch sends', () => {
  it('makes one request per image, each otherwise the same as the form asked', () => {
    const request = { prompt: 'a fox', model_name: 'GEM', model_version: '3.0' };
    const plan = batchRequests(request, 4);
    assert.equal(plan.length, 4);
    for (const each of plan) assert.deepEqual(each, request);
  });

  it('numbers a session id the user gave, because the gateway refuses a repeated one', () => {
    const plan = batchRequests({ prompt: 'a fox', session_id: 'shoot' }, 3);
    assert.deepEqual(
      plan.map((r) => r.session_id),
      ['shoot-1', 'shoot-2', 'shoot-3'],
    );
  });

  it('keeps a numbered session id within the gateway’s 50 characters, each one distinct', () => {
    const plan = batchRequests({ session_id: 'x'.repeat(50) }, MAX_VARIATIONS);
    const ids = plan.map((r) => String(r.session_id));
    assert.equal(new Set(ids).size, MAX_VARIATIONS);
    for (const id of ids) assert.ok(id.length <= 50, `${id} is ${id.length} characters`);
  });

  it('sends a single image’s session id exactly as the user gave it', () => {
    assert.deepEqual(
      batchRequests({ session_id: 'shoot' }, 1).map((r) => r.session_id),
      ['shoot'],
    );
  });
});
