/**
 * The Studio's finished-asset fields: what the form refuses (the webview as the user types, the
 * host again before anything is paid for) and the spec a generation carries — whose key colour
 * the host chooses from the prompt, whatever the webview sent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FINISHED_SIDE } from '../../src/core/finish';
import { validateForm } from '../../src/shared/formRequest';
import { EMPTY_FINISH, FINISH_MESSAGES, finishFieldsFrom, finishSpecFor } from '../../src/shared/finishFields';
import { type FormValues, formValuesSchema } from '../../src/shared/formValues';

const base: FormValues = {
  prompt: 'a red fox',
  negativePrompt: '',
  model: 'GEM 2.5',
  options: {},
  references: [],
};

function issuesOf(finish: Partial<typeof EMPTY_FINISH>): { field: string; message: string }[] {
  const result = validateForm({ ...base, finish: { ...EMPTY_FINISH, ...finish } });
  return result.ok ? [] : result.issues;
}

describe('the finished-asset fields', () => {
  it('asks for the other side when only a width or only a height is given', () => {
    assert.deepEqual(issuesOf({ width: '1200' }), [{ field: 'finish.size', message: FINISH_MESSAGES.bothSides }]);
    assert.deepEqual(issuesOf({ height: '630' }), [{ field: 'finish.size', message: FINISH_MESSAGES.bothSides }]);
  });

  it('refuses a side of 0, a fraction, or more than the largest finished side', () => {
    for (const width of ['0', '12.5', String(MAX_FINISHED_SIDE + 1), '-4', 'wide']) {
      assert.deepEqual(
        issuesOf({ width, height: '630' }),
        [{ field: 'finish.size', message: FINISH_MESSAGES.side }],
        `width ${width}`,
      );
    }
    assert.deepEqual(issuesOf({ width: String(MAX_FINISHED_SIDE), height: '1' }), []);
  });

  it('refuses a transparent JPEG and names the format field', () => {
    assert.deepEqual(issuesOf({ transparent: true, format: 'jpeg' }), [
      { field: 'finish.format', message: FINISH_MESSAGES.opaqueFormat },
    ]);
    assert.deepEqual(issuesOf({ transparent: true, format: 'webp' }), []);
    assert.deepEqual(issuesOf({ transparent: true }), []);
  });

  it('sends no finish at all when no field asks for one', () => {
    assert.equal(finishSpecFor(EMPTY_FINISH, 'a fox'), undefined);
    assert.equal(finishSpecFor(undefined, 'a fox'), undefined);
  });

  it('makes the exact size, the format and a key colour the prompt does not use', () => {
    const spec = finishSpecFor(
      { ...EMPTY_FINISH, width: ' 1200 ', height: '630', format: 'png', transparent: true },
      'a green frog on a lily pad',
    );
    // Green is in the prompt: the background is painted magenta, which is keyed out.
    assert.deepEqual(spec, { size: { width: 1200, height: 630 }, format: 'png', transparent: { key: '#ff00ff' } });
  });

  it('keeps padding around the subject when Trim to subject is ticked', () => {
    const spec = finishSpecFor({ ...EMPTY_FINISH, transparent: true, trim: true }, 'a fox');
    assert.equal(spec?.transparent?.key, '#00ff00');
    assert.ok((spec?.transparent?.trimPadding ?? 0) > 0);
  });

  it('does not let the webview choose the key colour', () => {
    // A webview may send anything; a key of its own is not part of the form the host accepts.
    const sent = { ...base, finish: { ...EMPTY_FINISH, transparent: true, key: '#123456' } };
    const parsed = formValuesSchema.safeParse(sent);
    assert.ok(parsed.success);
    const spec = finishSpecFor(parsed.data.finish, parsed.data.prompt);
    assert.equal(spec?.transparent?.key, '#00ff00');
  });

  it('fills the size and format a quick fix knows', () => {
    assert.deepEqual(finishFieldsFrom({ width: 640, height: 480 }, 'webp'), {
      ...EMPTY_FINISH,
      width: '640',
      height: '480',
      format: 'webp',
    });
  });
});
