// §10 Transparency quality: how well the key-out recovers the subject the simulator painted, on
// scenes whose true mask is known. 60 keyed scenes (5 subjects × 3 key colours × 4 levels of the
// model's noise on the flat colour, half of them with a soft shadow the model cast on the key
// colour) and 12 scenes where the model ignored the key (a scenery or a drawn checkerboard).
// Ours (keyOut: border check, soft alpha on the measured key, despill) against the plain
// colour-distance threshold on the asked key. Measures: IoU of alpha ≥ 128 against mask ≥ 0.5,
// mean |alpha − mask| on the subject's soft edge, the share of subject-edge pixels still carrying
// the key colour (transparencyCheck), and which scenes each method calls transparent.
//
// Usage: node test/bench/transparency.mjs   (needs the compiled tree: npm run compile-tests)
import * as path from 'node:path';
import { emitResult, formatTable, num, outDir, require } from './lib.mjs';

const { renderScene } = require(path.join(outDir, 'test', 'sim', 'scenes.js'));
const { keyOut, plainThreshold, transparencyCheck } = require(path.join(outDir, 'src', 'core', 'keyOut.js'));

const SIZE = 256;
const SUBJECTS = ['disc', 'roundedSquare', 'star', 'ellipse', 'ring'];
const KEYS = ['#00ff00', '#ff00ff', '#0000ff'];
const NOISE = [0, 3, 8, 14];

/** The model's soft shadow on the key colour: the background darkened under and right of the subject. */
function castShadow(scene, key) {
  const { rgba, mask, width, height } = scene;
  const k = [1, 3, 5].map((i) => Number.parseInt(key.slice(i, i + 2), 16));
  const dx = Math.round(width * 0.03);
  const dy = Math.round(height * 0.05);
  const radius = Math.round(width * 0.04);
  // A box blur of the shifted mask, by rows then columns (linear in the pixels).
  const shifted = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sy >= 0 && sx < width && sy < height) shifted[y * width + x] = mask[sy * width + sx];
    }
  const blur = (src, horizontal) => {
    const out = new Float32Array(width * height);
    for (let a = 0; a < (horizontal ? height : width); a++) {
      let sum = 0;
      const at = (b) => (horizontal ? a * width + b : b * width + a);
      const n = horizontal ? width : height;
      for (let b = -radius; b < n + radius; b++) {
        if (b + radius < n) sum += src[at(b + radius)] ?? 0;
        if (b - radius - 1 >= 0) sum -= src[at(b - radius - 1)];
        if (b >= 0 && b < n) out[at(b)] = sum / (2 * radius + 1);
      }
    }
    return out;
  };
  const shadow = blur(blur(shifted, true), false);
  for (let p = 0; p < width * height; p++) {
    const s = 0.35 * shadow[p] * (1 - mask[p]);
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Math.max(0, Math.round(rgba[p * 4 + c] - s * k[c]));
  }
}

function measure(image, mask, key) {
  const { data, width, height } = image;
  let inter = 0;
  let union = 0;
  let edgeError = 0;
  let edgePixels = 0;
  for (let p = 0; p < width * height; p++) {
    const a = data[p * 4 + 3] >= 128;
    const m = mask[p] >= 0.5;
    if (a && m) inter++;
    if (a || m) union++;
    if (mask[p] > 0 && mask[p] < 1) {
      edgeError += Math.abs(data[p * 4 + 3] / 255 - mask[p]);
      edgePixels++;
    }
  }
  return {
    iou: union === 0 ? 1 : inter / union,
    softEdgeError: edgePixels === 0 ? 0 : edgeError / edgePixels,
    edgeKeyShare: transparencyCheck(image, key).edgeKeyShare,
  };
}

function copyOf(scene) {
  return { data: new Uint8ClampedArray(scene.rgba), width: scene.width, height: scene.height };
}

const keyed = [];
let n = 0;
for (const subject of SUBJECTS)
  for (const key of KEYS)
    for (const noise of NOISE) {
      const shadow = n++ % 2 === 1;
      const scene = renderScene({
        width: SIZE,
        height: SIZE,
        seed: `bench-${subject}-${key}-${noise}`,
        subject,
        backdrop: { kind: 'key', colour: key, noise },
      });
      if (shadow) castShadow(scene, key);
      const ours = copyOf(scene);
      const result = keyOut(ours, key);
      const plain = copyOf(scene);
      plainThreshold(plain, key);
      keyed.push({
        subject,
        key,
        noise,
        shadow,
        oursKeyed: result.verdict === 'keyed',
        ours: result.verdict === 'keyed' ? measure(ours, scene.mask, result.key) : undefined,
        plain: measure(plain, scene.mask, key),
      });
    }

const ignored = [];
for (const [i, kind] of ['scenery', 'checkerboard'].entries())
  for (let s = 0; s < 6; s++) {
    const scene = renderScene({ width: SIZE, height: SIZE, seed: `ignored-${i}-${s}`, backdrop: { kind } });
    const ours = keyOut(copyOf(scene), '#00ff00');
    const plain = copyOf(scene);
    plainThreshold(plain, '#00ff00');
    const clear = transparencyCheck(plain, '#00ff00').transparentShare;
    ignored.push({ kind, oursKeyed: ours.verdict === 'keyed', plainTransparentShare: clear });
  }

const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const keyedByOurs = keyed.filter((s) => s.oursKeyed);
const summary = {
  scenes: keyed.length,
  oursKeyed: keyedByOurs.length,
  ours: {
    iou: mean(keyedByOurs.map((s) => s.ours.iou)),
    minIou: Math.min(...keyedByOurs.map((s) => s.ours.iou)),
    softEdgeError: mean(keyedByOurs.map((s) => s.ours.softEdgeError)),
    edgeKeyShare: mean(keyedByOurs.map((s) => s.ours.edgeKeyShare)),
  },
  plain: {
    iou: mean(keyed.map((s) => s.plain.iou)),
    minIou: Math.min(...keyed.map((s) => s.plain.iou)),
    softEdgeError: mean(keyed.map((s) => s.plain.softEdgeError)),
    edgeKeyShare: mean(keyed.map((s) => s.plain.edgeKeyShare)),
  },
  shadowed: {
    ours: mean(keyedByOurs.filter((s) => s.shadow).map((s) => s.ours.iou)),
    plain: mean(keyed.filter((s) => s.shadow).map((s) => s.plain.iou)),
  },
  ignored: {
    scenes: ignored.length,
    oursRefused: ignored.filter((s) => !s.oursKeyed).length,
    plainMadeTransparent: ignored.filter((s) => s.plainTransparentShare > 0).length,
    plainMeanTransparentShare: mean(ignored.map((s) => s.plainTransparentShare)),
  },
};

console.log(
  formatTable(
    ['', 'ours', 'plain threshold'],
    [
      ['keyed scenes handled', `${summary.oursKeyed} of ${summary.scenes}`, `${summary.scenes} of ${summary.scenes}`],
      ['mean IoU (alpha ≥ 128 vs mask ≥ 0.5)', num(summary.ours.iou, 4), num(summary.plain.iou, 4)],
      ['lowest IoU', num(summary.ours.minIou, 4), num(summary.plain.minIou, 4)],
      ['mean IoU, scenes with a cast shadow', num(summary.shadowed.ours, 4), num(summary.shadowed.plain, 4)],
      ['mean |alpha − mask| on soft edges', num(summary.ours.softEdgeError, 3), num(summary.plain.softEdgeError, 3)],
      ['edge pixels carrying the key colour', num(summary.ours.edgeKeyShare, 4), num(summary.plain.edgeKeyShare, 4)],
      [
        'key ignored (scenery, checkerboard): refused',
        `${summary.ignored.oursRefused} of ${summary.ignored.scenes}`,
        `0 of ${summary.ignored.scenes} (${summary.ignored.plainMadeTransparent} given holes)`,
      ],
    ],
  ),
);
emitResult({ ...summary, size: SIZE, detail: keyed });
