/** What a confirmation adds to the model's name: every choice that bills more or checks less, and nothing the service decides. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type NotedRequest, type RequestNote, requestNotes } from '../../src/core/requestNotes';

const shown = (notes: RequestNote[]) => notes.map((note) => ('value' in note ? note.value : note.template));

describe('what a confirmation says besides the model', () => {
  const cases: [string, NotedRequest, string[]][] = [
    ['nothing for a request that leaves everything to the service', {}, []],
    ['nothing for Temporary storage, the service’s own default', { output_config: { storage_mode: 'Temporary' } }, []],
    [
      'the shape and the size, as they are sent',
      { output_config: { aspect_ratio: '21:9', resolution: '6198x2656' } },
      ['21:9', '6198x2656'],
    ],
    [
      'Permanent storage, which keeps (and bills) a copy in the VOD library',
      { output_config: { storage_mode: 'Permanent' } },
      ['Permanent storage in your VOD library'],
    ],
    [
      'each compliance check turned off or on, and who may appear',
      {
        output_config: {
          person_generation: 'AllowAdult',
          input_compliance_check: 'Disabled',
          output_compliance_check: 'Enabled',
        },
      },
      ['People: adults allowed', 'Input compliance check: off', 'Output compliance check: on'],
    ],
    ['a prompt the service rewrites', { enhance_prompt: 'Enabled' }, ['Prompt enhanced by the service']],
  ];
  for (const [what, request, expected] of cases) {
    it(`lists ${what}`, () => {
      assert.deepEqual(shown(requestNotes(request)), expected);
    });
  }
});
