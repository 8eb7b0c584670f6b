/**
 * What a finished asset asks of the model and of the crop: the nearest shape and a tier large
 * enough, the centred crop and how it moves, the key colour a prompt does not use, and the
 * requests refused before anything is billed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GenerationError } from '../../src/core/errors';
import {
  centredCrop,
  cropFits,
  finishedFormat,
  finishedNameFor,
  formatOfPath,
  keyColourFor,
  movedCrop,
  nearestAspect,
  requestShapeFor,
  upscaleOf,
  userPromptOf,
} from '../../src/core/finish';
import { applyFinish, checkFinish } from '../../src/core/finishRequest';
import { advance } from '../../src/core/lifecycle';
import { findModel } from '../../src/core/models';
import { T0, landedFile, landingWith, record } from './helpers/records';

const GEM = findModel('GEM', '3.0')!;
const HUNYUAN = findModel('Hunyuan', '3.0')!;

describe('the shape asked of the model', () => {
  it('a 1200×630 social card asks GEM for 16:9 at 1080P: the smallest tier whose image covers it', () => {
    assert.deepEqual(requestShapeFor(GEM, { width: 1200, height: 630 }), { aspect_ratio: '16:9', resolution: '720P' });
    assert.equal(nearestAspect({ width: 1200, height: 630 }), '16:9');
    assert.deepEqual(requestShapeFor(GEM, { width: 1920, height: 1080 }), {
      aspect_ratio: '16:9',
      resolution: '1080P',
    });
  });

  it('a tall or square size gets a tall or square ratio, and a size beyond 4K asks for 4K', () => {
    assert.equal(requestShapeFor(GEM, { width: 1080, height: 1920 }).aspect_ratio, '9:16');
    assert.equal(requestShapeFor(GEM, { width: 512, height: 512 }).aspect_ratio, '1:1');
    assert.equal(requestShapeFor(GEM, { width: 8000, height: 4500 }).resolution, '4K');
  });

  it('a model that takes no ratio gets the listed exact size of the nearest shape that covers the size', () => {
    assert.deepEqual(requestShapeFor(HUNYUAN, { width: 1200, height: 630 }), { resolution: '2560x1440' });
    assert.deepEqual(requestShapeFor(HUNYUAN, { width: 512, height: 512 }), { resolution: '1024x1024' });
    assert.deepEqual(requestShapeFor(HUNYUAN, { width: 3000, height: 3000 }), { resolution: '4096x4096' });
  });
});

describe('the crop', () => {
  it('is the largest box of the size’s shape, centred, and never leaves the image when moved', () => {
    const source = { width: 1920, height: 1080 };
    const box = centredCrop(source, { width: 1200, height: 630 });
    assert.deepEqual(box, { left: craftLeft(1920, 1920), top: 36, width: 1920, height: 1008 });
    assert.ok(cropFits(box, source));
    assert.deepEqual(movedCrop(box, 0, -500, source), { ...box, top: 0 });
    assert.deepEqual(movedCrop(box, 0, 500, source), { ...box, top: 72 });
    assert.ok(!cropFits({ ...box, top: 73 }, source));
  });

  it('says how much a crop smaller than the size is enlarged', () => {
    assert.equal(upscaleOf({ left: 0, top: 0, width: 128, height: 72 }, { width: 1200, height: 630 }), 9.38);
    assert.ok(upscaleOf({ left: 0, top: 0, width: 1920, height: 1008 }, { width: 1200, height: 630 }) < 1);
  });
});

function craftLeft(source: number, width: number): number {
  return Math.floor((source - width) / 2);
}

describe('the key colour and the format', () => {
  it('is green unless the prompt speaks of green, then magenta, then blue', () => {
    assert.equal(keyColourFor('a red fox'), '#00ff00');
    assert.equal(keyColourFor('a green frog'), '#ff00ff');
    assert.equal(keyColourFor('a green frog on a pink lily'), '#0000ff');
    assert.equal(keyColourFor('一只绿色的青蛙'), '#ff00ff');
  });

  it('follows the target’s extension, keeps the original’s format otherwise, and needs alpha for transparency', () => {
    assert.equal(formatOfPath('img/og.JPG'), 'jpeg');
    assert.equal(formatOfPath('hero.avif'), 'avif');
    assert.equal(formatOfPath('logo.gif'), undefined);
    assert.equal(finishedFormat({}, 'jpeg'), 'jpeg');
    assert.equal(finishedFormat({ transparent: { key: '#00ff00' } }, 'jpeg'), 'png');
    assert.equal(
      finishedNameFor('cat-1a2b.png', { size: { width: 1200, height: 630 } }, 'webp'),
      'cat-1a2b-1200x630.webp',
    );
  });
});

describe('a finish spec before anything is sent', () => {
  const request = { model_name: 'GEM', model_version: '3.0', prompt: 'a red fox', output_config: { resolution: '4K' } };

  it('adds the key-colour sentence to the prompt and the shape of the size, keeping a tier the user chose', () => {
    const applied = applyFinish(request, { size: { width: 1200, height: 630 }, transparent: {} });
    assert.match(String(applied.request.prompt), /^a red fox\n\nPaint the subject on .*solid #00ff00 background/s);
    assert.deepEqual(applied.request.output_config, { resolution: '4K', aspect_ratio: '16:9' });
    assert.equal(applied.finish.transparent?.key, '#00ff00');
    assert.equal(userPromptOf(String(applied.request.prompt)), 'a red fox', 'names and titles show the user’s words');
  });

  it('refuses a transparent JPEG, a quality for PNG and a size out of range, naming the field', () => {
    const refusal = (spec: object) => {
      try {
        checkFinish(spec);
      } catch (error) {
        assert.ok(error instanceof GenerationError);
        return [error.field, error.message];
      }
      return undefined;
    };
    assert.equal(refusal({ transparent: { key: '#00ff00' }, format: 'jpeg' })?.[0], 'finish.format');
    assert.equal(refusal({ quality: 80, format: 'png' })?.[0], 'finish.quality');
    assert.deepEqual(refusal({ size: { width: 0, height: 630 } }), [
      'finish.size.width',
      'Invalid finish.size.width: must be at least 1 pixel',
    ]);
    assert.equal(refusal({ size: { width: 1200, height: 630 }, format: 'jpeg', quality: 90 }), undefined);
  });
});

describe('a task that makes finished files', () => {
  it('lands only when each landed image has its finished file or a note saying why not', () => {
    const finishing = { ...landingWith(['https://cdn/a.png', 'https://cdn/b.png']) };
    const start = { ...finishing, target: { ...finishing.target, finish: { size: { width: 64, height: 64 } } } };
    let r = advance(start, { type: 'imageLanded', index: 0, file: landedFile('/w/a.png') }, T0 + 4);
    r = advance(r, { type: 'imageLanded', index: 1, file: landedFile('/w/b.png') }, T0 + 5);
    assert.equal(r.phase, 'landing');
    const file = {
      path: '/w/a-64x64.png',
      bytes: 5,
      sha256: 'f',
      format: 'png' as const,
      width: 64,
      height: 64,
      hasAlpha: false,
      crop: { left: 0, top: 0, width: 64, height: 64 },
      filter: 'lanczos3' as const,
    };
    r = advance(r, { type: 'imageFinished', index: 0, file }, T0 + 6);
    assert.equal(r.phase, 'landing');
    const note = { kind: 'processing', template: 'broken', at: T0 };
    r = advance(r, { type: 'imageUnfinished', index: 1, note }, T0 + 7);
    assert.equal(r.phase, 'landed');
    assert.deepEqual(r.images?.[0]?.finished, file);
    assert.deepEqual(r.images?.[1]?.unfinished, note);
    assert.equal(r.images?.[1]?.landed?.path, '/w/b.png');
  });

  it('ignores a finished file for an image that has not landed, and a second one for an image already finished', () => {
    const start = record({ phase: 'landing', images: [{ url: 'https://cdn/a.png' }] });
    const note = { kind: 'processing', template: 'x', at: T0 };
    assert.equal(advance(start, { type: 'imageUnfinished', index: 0, note }, T0 + 1), start);
  });
});
