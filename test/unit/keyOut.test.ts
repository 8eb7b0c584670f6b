/**
 * The key-out's maths on synthetic images whose true mask is known: a disc drawn with exact
 * anti-aliasing (each pixel's coverage from 4×4 samples) on the colour a model really paints.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkBorder,
  keyOut,
  plainThreshold,
  type RgbaImage,
  transparencyCheck,
  trimBounds,
} from '../../src/core/keyOut';

type Rgb = [number, number, number];

/** A deterministic noise source, so a failure can be reproduced. */
function noise(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
}

interface Scene {
  image: RgbaImage;
  /** Each pixel's true coverage by the subject, 0–1. */
  coverage: Float32Array;
}

function discScene(size: number, subject: Rgb, background: (x: number, y: number) => Rgb): Scene {
  const data = new Uint8ClampedArray(size * size * 4);
  const coverage = new Float32Array(size * size);
  const [cx, cy, radius] = [size / 2, size / 2, size * 0.3];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let inside = 0;
      for (let s = 0; s < 16; s++) {
        const dx = x + ((s % 4) + 0.5) / 4 - cx;
        const dy = y + (Math.floor(s / 4) + 0.5) / 4 - cy;
        if (dx * dx + dy * dy <= radius * radius) inside++;
      }
      const a = inside / 16;
      const bg = background(x, y);
      const p = y * size + x;
      coverage[p] = a;
      for (let c = 0; c < 3; c++) data[p * 4 + c] = a * subject[c]! + (1 - a) * bg[c]!;
      data[p * 4 + 3] = 255;
    }
  }
  return { image: { data, width: size, height: size }, coverage };
}

/** What a model paints when asked for #00ff00: close to it, with a little noise. */
function paintedGreen(seed = 7): (x: number, y: number) => Rgb {
  const n = noise(seed);
  return () => [5 + 3 * n(), 248 + 3 * n(), 10 + 3 * n()];
}

const RED: Rgb = [192, 48, 32];

function iou(image: RgbaImage, coverage: Float32Array): number {
  let both = 0;
  let either = 0;
  for (let p = 0; p < coverage.length; p++) {
    const opaque = image.data[p * 4 + 3]! >= 128;
    const truth = coverage[p]! >= 0.5;
    if (opaque && truth) both++;
    if (opaque || truth) either++;
  }
  return both / either;
}

describe('taking a flat key-colour background out', () => {
  it('takes out the soft shadow a model casts on the key colour, not only the flat colour', () => {
    const painted = paintedGreen(11);
    // A shadow under and right of the disc, up to 40 % darker, fading out before the border.
    const shaded = (x: number, y: number): Rgb => {
      const [r, g, b] = painted(x, y);
      const d = Math.hypot(x - 150, y - 170) / 90;
      const dark = d >= 1 ? 0 : 0.4 * (1 - d);
      return [r * (1 - dark), g * (1 - dark), b * (1 - dark)];
    };
    const { image, coverage } = discScene(256, RED, shaded);
    const result = keyOut(image, '#00ff00');
    assert.equal(result.verdict, 'keyed');
    assert.ok(iou(image, coverage) > 0.98, `IoU ${iou(image, coverage)}`);
  });

  it('cuts the subject out along its true outline', () => {
    const { image, coverage } = discScene(256, RED, paintedGreen());
    const result = keyOut(image, '#00ff00');
    assert.equal(result.verdict, 'keyed');
    assert.ok(iou(image, coverage) > 0.97, `IoU ${iou(image, coverage)}`);
  });

  it('keys out the colour the model painted, not only the one it was asked for', () => {
    const { image } = discScene(128, RED, paintedGreen());
    const result = keyOut(image, '#00ff00');
    assert.ok(result.verdict === 'keyed');
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(result.key.slice(i, i + 2), 16));
    assert.ok(Math.abs(r! - 5) <= 3 && Math.abs(g! - 248) <= 3 && Math.abs(b! - 10) <= 3, result.key);
  });

  it('gives anti-aliased edge pixels partial transparency instead of a jagged cut', () => {
    const { image, coverage } = discScene(256, [40, 40, 200], paintedGreen());
    keyOut(image, '#00ff00');
    const partial = [...coverage.keys()].filter((p) => image.data[p * 4 + 3]! > 0 && image.data[p * 4 + 3]! < 255);
    const edgeTruth = [...coverage.keys()].filter((p) => coverage[p]! > 0 && coverage[p]! < 1);
    assert.ok(partial.length > edgeTruth.length * 0.5, `${partial.length} partial of ${edgeTruth.length} edge pixels`);
  });

  it('leaves no green fringe around the subject', () => {
    const { image } = discScene(256, RED, paintedGreen());
    const result = keyOut(image, '#00ff00');
    assert.ok(result.verdict === 'keyed');
    assert.ok(result.check.edgeKeyShare < 0.02, `edgeKeyShare ${result.check.edgeKeyShare}`);
    let greenest = 0;
    for (let p = 0; p < image.width * image.height; p++) {
      const [r, g, b, a] = [0, 1, 2, 3].map((c) => image.data[p * 4 + c]!);
      if (a! > 0) greenest = Math.max(greenest, g! - Math.max(r!, b!));
    }
    assert.ok(greenest <= 8, `a visible pixel is green by ${greenest}`);
  });

  it('measures the fringe the plain threshold leaves, which the key-out does not', () => {
    const plain = discScene(256, RED, paintedGreen()).image;
    plainThreshold(plain, '#00ff00');
    const keyed = discScene(256, RED, paintedGreen()).image;
    const result = keyOut(keyed, '#00ff00');
    assert.ok(result.verdict === 'keyed');
    const baseline = transparencyCheck(plain, '#00ff00');
    assert.ok(baseline.edgeKeyShare > 0.2, `plain threshold fringe ${baseline.edgeKeyShare}`);
    assert.ok(result.check.edgeKeyShare < baseline.edgeKeyShare / 10);
  });

  it('reports how much of the image became transparent', () => {
    const { image, coverage } = discScene(256, RED, paintedGreen());
    const result = keyOut(image, '#00ff00');
    assert.ok(result.verdict === 'keyed');
    const truth = coverage.filter((a) => a < 0.5).length / coverage.length;
    assert.ok(Math.abs(result.check.transparentShare - truth) < 0.01, `${result.check.transparentShare} vs ${truth}`);
  });

  it('keeps the image opaque when the model painted a gradient instead of a flat colour', () => {
    const { image } = discScene(128, RED, (x) => [0, 120 + x, Math.max(0, 100 - x)]);
    const before = Uint8ClampedArray.from(image.data);
    const result = keyOut(image, '#00ff00');
    assert.equal(result.verdict, 'keyIgnored');
    assert.deepEqual(image.data, before);
  });

  it('keeps the image opaque when the model painted a fake transparency checkerboard', () => {
    const { image } = discScene(128, RED, (x, y) =>
      (Math.floor(x / 8) + Math.floor(y / 8)) % 2 ? [255, 255, 255] : [204, 204, 204],
    );
    assert.equal(keyOut(image, '#00ff00').verdict, 'keyIgnored');
  });

  it('keeps the image opaque when the flat background is not the asked key colour', () => {
    const { image } = discScene(128, RED, () => [250, 250, 250]);
    const verdict = checkBorder(image, '#00ff00');
    assert.equal(verdict.flat, false);
    assert.ok(verdict.flatShare > 0.99, 'the border is flat, only the colour is wrong');
  });

  it('finds the subject for trimming, with the padding asked for', () => {
    const { image, coverage } = discScene(200, RED, paintedGreen());
    keyOut(image, '#00ff00');
    const xs = [...coverage.keys()].filter((p) => coverage[p]! > 0).map((p) => p % 200);
    const box = trimBounds(image, 4);
    assert.ok(box);
    assert.ok(Math.abs(box.left - (Math.min(...xs) - 4)) <= 1, `left ${box.left}`);
    assert.ok(Math.abs(box.width - (Math.max(...xs) - Math.min(...xs) + 9)) <= 2, `width ${box.width}`);
    assert.deepEqual(trimBounds(image, 500), { left: 0, top: 0, width: 200, height: 200 });
  });

  it('finds nothing to trim to in a fully transparent image', () => {
    const image: RgbaImage = { data: new Uint8ClampedArray(16 * 16 * 4), width: 16, height: 16 };
    assert.equal(trimBounds(image, 2), undefined);
  });
});
