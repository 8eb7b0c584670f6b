/**
 * A finished file's sidecar names the original it was made from: the gallery shows the two as one
 * result (one paid image), reads how the file was made, and never takes a malformed record for one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSidecar } from '../../src/core/sidecar';
import { type Groupable, derivedOf, groupDerived } from '../../src/shared/derivedResult';

const SHA = 'a'.repeat(64);

function derivedSidecar(original: string, finish: Record<string, unknown> = {}, image: Record<string, unknown> = {}) {
  return {
    derivedFrom: { file: original, sha256: SHA },
    finish: {
      crop: { left: 0, top: 45, width: 1920, height: 1008 },
      filter: 'lanczos3',
      format: 'jpeg',
      size: { width: 1200, height: 630 },
      ...finish,
    },
    images: [{ file: 'x.jpg', sha256: 'b'.repeat(64), width: 1200, height: 630, hasAlpha: false, ...image }],
  };
}

function entry(image: string, createdAt: number, sidecar?: unknown): Groupable & { name: string } {
  const derived = sidecar ? derivedOf(sidecar) : undefined;
  return { name: image, image, createdAt, ...(derived ? { derived } : {}) };
}

describe('derived results in the gallery', () => {
  it('shows a finished file with its original instead of as a second paid result', () => {
    const original = entry('/w/out/fox-1a2b.png', 1);
    const finished = entry('/w/out/fox-1a2b-1200x630.jpg', 2, derivedSidecar('fox-1a2b.png'));
    const other = entry('/w/out/cat.png', 3);
    const groups = groupDerived([original, finished, other]);
    assert.equal(groups.length, 2);
    assert.equal(groups.find((g) => g.entry === original)?.finished, finished);
    assert.equal(groups.find((g) => g.entry === other)?.finished, undefined);
  });

  it('finds the original of a finished file saved in another folder', () => {
    const original = entry('/w/out/fox.png', 1);
    const finished = entry('/w/assets/hero.jpg', 2, derivedSidecar('../out/fox.png'));
    assert.deepEqual(
      groupDerived([original, finished]).map((g) => [g.entry.name, g.finished?.name]),
      [['/w/out/fox.png', '/w/assets/hero.jpg']],
    );
  });

  it('shows the newest finished file when the crop was adjusted and the earlier one kept', () => {
    const original = entry('/w/out/fox.png', 1);
    const first = entry('/w/out/fox-1200x630.jpg', 2, derivedSidecar('fox.png'));
    const second = entry('/w/out/fox-1200x630-2.jpg', 5, derivedSidecar('fox.png'));
    assert.equal(groupDerived([second, original, first])[0]?.finished, second);
  });

  it('still lists a finished file whose original is gone', () => {
    const finished = entry('/w/out/fox-1200x630.jpg', 2, derivedSidecar('fox.png'));
    assert.deepEqual(groupDerived([finished]), [{ entry: finished }]);
  });

  it('says the background could not be removed when transparency was asked and the file came out opaque', () => {
    const opaque = derivedOf(derivedSidecar('fox.png', { format: 'png', transparent: { key: '#00ff00' } }));
    assert.equal(opaque?.keyIgnored, true);
    const keyed = derivedOf(
      derivedSidecar('fox.png', { format: 'png', transparent: { key: '#00ff00' } }, { hasAlpha: true }),
    );
    assert.equal(keyed?.keyIgnored, false);
    assert.deepEqual(keyed?.spec, {
      size: { width: 1200, height: 630 },
      format: 'png',
      transparent: { key: '#00ff00' },
    });
  });

  it('takes a sidecar with a malformed crop or format for an ordinary result', () => {
    assert.equal(
      derivedOf(derivedSidecar('fox.png', { crop: { left: -1, top: 0, width: 10, height: 10 } })),
      undefined,
    );
    assert.equal(derivedOf(derivedSidecar('fox.png', { format: 'gif' })), undefined);
    assert.equal(derivedOf({ images: [] }), undefined);
  });

  it('reads the sidecar the landing writes for a finished file, a transparent one whose key was left to the prompt too', () => {
    const sidecar = buildSidecar({
      taskId: 't-1',
      body: { model_name: 'GEM', model_version: '2.5', prompt: 'a red lantern' },
      references: [],
      images: [
        {
          file: 'lantern-512x512-transparent.png',
          url: 'lantern.png',
          format: 'png',
          bytes: 10,
          sha256: SHA,
          width: 512,
          height: 512,
          hasAlpha: true,
        },
      ],
      apiOrigin: 'http://127.0.0.1:1',
      submittedAt: new Date(0),
      savedAt: new Date(1),
      extensionVersion: '1.0.0',
      derivation: {
        derivedFrom: { file: 'lantern.png', sha256: 'c'.repeat(64) },
        finish: {
          crop: { left: 0, top: 0, width: 1024, height: 1024 },
          filter: 'lanczos3',
          format: 'png',
          size: { width: 512, height: 512 },
          transparent: { trimPadding: 16 },
        },
      },
    });
    const derived = derivedOf(JSON.parse(JSON.stringify(sidecar)));
    assert.equal(derived?.originalFile, 'lantern.png');
    assert.equal(derived?.hasAlpha, true);
    assert.equal(derived?.keyIgnored, false);
    assert.deepEqual(derived?.spec.transparent, { trimPadding: 16 });
  });
});
