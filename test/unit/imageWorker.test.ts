/**
 * The image engine as the host uses it: the real worker thread running sharp, on real files the
 * tests make with sharp. What a user would notice: exact sizes and formats, a real transparent
 * background (or an honest "kept opaque"), nothing ever overwritten, a damaged or crashing job
 * that does not take the next one down, and an editor that stays responsive while a 4K image is made.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { GenerationError } from '../../src/core/errors';
import { imageSize } from '../../src/core/imageFormat';
import { ImageWorker } from '../../src/imaging/imageWorker';
import { sharpBuildFor } from '../../src/imaging/loadSharp';

const WORKER = path.join(__dirname, '..', '..', 'src', 'imaging', 'worker.js');
const HARNESS = path.join(__dirname, 'helpers', 'imageWorkerHarness.js');

let dir: string;
let engine: ImageWorker;
const file = (name: string) => path.join(dir, name);

/** A scene a model might paint: a red disc on a background, as a PNG of the given size. */
async function scene(name: string, width: number, height: number, background: string): Promise<string> {
  const r = Math.round(Math.min(width, height) * 0.3);
  const disc = `<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${r}" fill="#c03020"/></svg>`;
  const drawn = await sharp({ create: { width, height, channels: 3, background } })
    .composite([{ input: Buffer.from(disc) }])
    .png()
    .toBuffer();
  // Compositing adds an alpha channel; a model's image has none.
  await sharp(drawn).removeAlpha().png().toFile(file(name));
  return file(name);
}

/** A left-to-right gradient: what a model paints when it ignores "flat background". */
async function gradient(name: string, width: number, height: number): Promise<string> {
  const data = Buffer.alloc(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set([0, 100 + Math.round(((p % width) / width) * 155), 40], p * 3);
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file(name));
  return file(name);
}

async function isProcessingError(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof GenerationError, `not a GenerationError: ${String(error)}`);
    assert.equal(error.kind, 'processing');
    assert.equal(error.code, code);
    return true;
  });
}

/** PNG's CRC-32 (ISO 3309), so a patched header is still a well-formed chunk. */
function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** A PNG whose header claims `width`×`height` (a decompression bomb's first bytes). */
function withClaimedSize(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

const exists = (p: string) =>
  readFile(p).then(
    () => true,
    () => false,
  );

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aigc-engine-'));
  engine = new ImageWorker({ script: WORKER });
});

after(async () => {
  await engine.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('making finished files', () => {
  it('turns a 2752×1536 original into a 1200×630 JPEG of exactly that size', async () => {
    const input = await scene('wide.png', 2752, 1536, '#3060a0');
    const report = await engine.finish(input, { size: { width: 1200, height: 630 }, format: 'jpeg' }, file('card.jpg'));
    const bytes = await readFile(file('card.jpg'));
    assert.deepEqual(imageSize(bytes), { width: 1200, height: 630 });
    assert.deepEqual([report.width, report.height, report.format, report.quality], [1200, 630, 'jpeg', 85]);
    assert.equal(report.bytes, bytes.length);
    assert.equal(report.upscale, undefined);
    // The centred crop of 1200:630 inside 2752×1536: the full width, 1445 rows of the middle.
    assert.deepEqual(report.crop, { left: 0, top: 45, width: 2752, height: 1445 });
  });

  it('writes WebP and AVIF files at the quality asked for', async () => {
    const input = await scene('square.png', 1024, 1024, '#3060a0');
    const webp = await engine.finish(
      input,
      { size: { width: 512, height: 512 }, format: 'webp', quality: 70 },
      file('a.webp'),
    );
    const avif = await engine.finish(input, { size: { width: 256, height: 128 }, format: 'avif' }, file('a.avif'));
    const [webpMeta, avifMeta] = await Promise.all([
      sharp(file('a.webp')).metadata(),
      sharp(file('a.avif')).metadata(),
    ]);
    assert.deepEqual([webpMeta.format, webpMeta.width, webpMeta.height, webp.quality], ['webp', 512, 512, 70]);
    assert.deepEqual(
      [avifMeta.format, avifMeta.compression, avifMeta.width, avifMeta.height],
      ['heif', 'av1', 256, 128],
    );
    assert.equal(avif.quality, 55);
  });

  it('makes the flat key-colour background of an image really transparent', async () => {
    const input = await scene('keyed.png', 800, 800, '#05f80a');
    const report = await engine.finish(input, { transparent: { key: '#00ff00' } }, file('keyed-out.png'));
    const meta = await sharp(file('keyed-out.png')).metadata();
    assert.equal(meta.hasAlpha, true);
    assert.equal(report.hasAlpha, true);
    assert.ok(report.transparency && report.transparency.transparentShare > 0.3, JSON.stringify(report.transparency));
    assert.ok(report.transparency.edgeKeyShare < 0.05, JSON.stringify(report.transparency));
    assert.equal(report.keyIgnored, undefined);
  });

  it('trims a transparent image to its subject with the padding asked for', async () => {
    const input = await scene('trim.png', 600, 400, '#00ff00');
    const report = await engine.finish(
      input,
      { transparent: { key: '#00ff00', trimPadding: 10 } },
      file('trim-out.png'),
    );
    // The disc has a radius of 120 around (300, 200): about 240 + 2 × 10 pixels each way.
    assert.ok(
      Math.abs(report.width - 260) <= 3 && Math.abs(report.height - 260) <= 3,
      `${report.width}×${report.height}`,
    );
  });

  it('keeps an image opaque and says so when the model did not paint a flat key colour', async () => {
    const input = await gradient('ignored.png', 640, 480);
    const report = await engine.finish(input, { transparent: { key: '#00ff00' } }, file('ignored-out.png'));
    assert.equal(report.keyIgnored, true);
    assert.equal(report.hasAlpha, false);
    assert.equal(report.transparency, undefined);
    assert.equal((await sharp(file('ignored-out.png')).metadata()).hasAlpha, false);
  });

  it('reports the enlargement when the original is smaller than the size asked for', async () => {
    const input = await scene('small.png', 400, 300, '#3060a0');
    const report = await engine.finish(input, { size: { width: 1200, height: 630 }, format: 'png' }, file('big.png'));
    assert.deepEqual([report.width, report.height, report.upscale], [1200, 630, 3]);
  });

  it('refuses a crop that lies outside the original', async () => {
    const input = await scene('crop.png', 300, 200, '#3060a0');
    const crop = { left: 200, top: 0, width: 200, height: 200 };
    await isProcessingError(engine.finish(input, { crop }, file('crop-out.png')), 'cropOutside');
    assert.equal(await exists(file('crop-out.png')), false);
  });

  it('tells what an image is: its size, format and alpha', async () => {
    const input = await scene('probe.png', 320, 200, '#3060a0');
    assert.deepEqual(await engine.probe(input), { width: 320, height: 200, format: 'png', hasAlpha: false });
  });
});

describe('damaged input and existing files', () => {
  it('reports a truncated image as damaged and writes nothing', async () => {
    const whole = await readFile(await scene('whole.png', 512, 512, '#3060a0'));
    await writeFile(file('truncated.png'), whole.subarray(0, Math.floor(whole.length / 2)));
    await isProcessingError(engine.finish(file('truncated.png'), { format: 'webp' }, file('t.webp')), 'corruptImage');
    assert.equal(await exists(file('t.webp')), false);
  });

  it('reports a file that is not an image at all as damaged', async () => {
    await writeFile(file('notes.png'), 'these are not pixels');
    await isProcessingError(engine.probe(file('notes.png')), 'corruptImage');
    await isProcessingError(engine.finish(file('notes.png'), {}, file('n.png')), 'corruptImage');
    assert.equal(await exists(file('n.png')), false);
  });

  it('refuses an image that claims more pixels than any model makes, before decoding it', async () => {
    const small = await readFile(await scene('bomb-source.png', 8, 8, '#3060a0'));
    // 144 megapixels: under the library's own limit (268), over ours (67).
    await writeFile(file('bomb.png'), withClaimedSize(small, 12_000, 12_000));
    const refused = engine.finish(file('bomb.png'), { format: 'webp' }, file('bomb.webp'));
    await assert.rejects(refused, (error: unknown) => {
      assert.ok(error instanceof GenerationError);
      assert.equal(error.code, 'corruptImage');
      assert.match(error.details ?? '', /pixel limit/);
      return true;
    });
    assert.equal(await exists(file('bomb.webp')), false);
  });

  it('leaves the original’s camera and location metadata out of the finished file', async () => {
    const tagged = file('tagged.jpg');
    await sharp({ create: { width: 200, height: 100, channels: 3, background: '#3060a0' } })
      .withExif({ IFD0: { Copyright: 'someone', Artist: 'a camera owner' } })
      .jpeg()
      .toFile(tagged);
    assert.ok((await sharp(tagged).metadata()).exif, 'the input carries EXIF');
    await engine.finish(tagged, { size: { width: 100, height: 50 } }, file('tagged-out.jpg'));
    assert.equal((await sharp(file('tagged-out.jpg')).metadata()).exif, undefined);
  });

  it('never overwrites a file that is already there', async () => {
    const input = await scene('keep.png', 300, 300, '#3060a0');
    await writeFile(file('taken.png'), 'the user’s own file');
    await assert.rejects(engine.finish(input, { format: 'png' }, file('taken.png')), (error: unknown) => {
      assert.ok(error instanceof GenerationError);
      assert.equal(error.kind, 'fileSystem');
      return true;
    });
    assert.equal(await readFile(file('taken.png'), 'utf8'), 'the user’s own file');
  });
});

describe('the worker thread', () => {
  it('rejects the job of a worker that dies, and the next job gets a fresh worker', async () => {
    const input = await scene('crash.png', 400, 400, '#3060a0');
    const fine = await scene('fine.png', 400, 400, '#3060a0');
    process.env.AIGC_WORKER_CRASH_ON = 'crash.png';
    const crashing = new ImageWorker({ script: HARNESS });
    try {
      await isProcessingError(crashing.finish(input, { format: 'webp' }, file('crash.webp')), 'workerCrashed');
      const report = await crashing.finish(fine, { format: 'webp' }, file('fine.webp'));
      assert.equal(report.format, 'webp');
      assert.equal(crashing.started, 2);
      assert.equal(await exists(file('crash.webp')), false);
    } finally {
      delete process.env.AIGC_WORKER_CRASH_ON;
      await crashing.dispose();
    }
  });

  it('runs the queued jobs after a crash instead of losing them', async () => {
    const input = await scene('crash2.png', 300, 300, '#3060a0');
    process.env.AIGC_WORKER_CRASH_ON = 'crash2.png';
    const crashing = new ImageWorker({ script: HARNESS });
    try {
      const jobs = [
        crashing.finish(input, {}, file('c2.png')),
        crashing.probe(input.replace('crash2', 'crash')),
        crashing.probe(input.replace('crash2', 'fine')),
      ];
      const settled = await Promise.allSettled(jobs);
      assert.deepEqual(
        settled.map((s) => s.status),
        ['rejected', 'fulfilled', 'fulfilled'],
      );
    } finally {
      delete process.env.AIGC_WORKER_CRASH_ON;
      await crashing.dispose();
    }
  });

  it('says the image library is unavailable when sharp cannot be loaded', async () => {
    const input = await scene('nosharp.png', 100, 100, '#3060a0');
    process.env.AIGC_WORKER_NO_SHARP = '1';
    const broken = new ImageWorker({ script: HARNESS });
    try {
      await isProcessingError(broken.finish(input, {}, file('nosharp-out.png')), 'libraryUnavailable');
      assert.equal(await exists(file('nosharp-out.png')), false);
    } finally {
      delete process.env.AIGC_WORKER_NO_SHARP;
      await broken.dispose();
    }
  });

  it('ends the worker when there is no more work, and starts one again for the next job', async () => {
    const input = await scene('idle.png', 200, 200, '#3060a0');
    const quick = new ImageWorker({ script: WORKER, idleMs: 0 });
    try {
      assert.equal(quick.running, false, 'nothing starts before the first job');
      await quick.probe(input);
      await quick.idle();
      assert.equal(quick.running, false);
      await quick.probe(input);
      assert.equal(quick.started, 2);
    } finally {
      await quick.dispose();
    }
  });

  it('refuses jobs once disposed, and stops the one in flight', async () => {
    const input = await scene('disposed.png', 2048, 2048, '#3060a0');
    const short = new ImageWorker({ script: WORKER });
    const job = short.finish(input, { format: 'avif' }, file('disposed.avif'));
    while (!short.running) await new Promise((resolve) => setImmediate(resolve));
    const stopped = isProcessingError(job, 'workerStopped');
    await short.dispose();
    await stopped;
    await isProcessingError(short.probe(input), 'workerStopped');
    assert.equal(short.running, false);
  });

  it('keeps the editor responsive while a 4096² image is made', async () => {
    const input = await scene('huge.png', 4096, 4096, '#3060a0');
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setTimeout(tick, 1);
    };
    setTimeout(tick, 1);
    await engine.finish(input, { size: { width: 512, height: 512 }, format: 'webp' }, file('huge.webp'));
    running = false;
    // A blocked event loop would tick once or twice during the whole job.
    assert.ok(ticks >= 20, `${ticks} timer ticks during the job`);
  });

  it('loads the WebAssembly build under Electron on Linux, and it makes the same files', async () => {
    assert.equal(sharpBuildFor('auto', { ...process.versions, electron: '37.2.0' }, 'linux'), 'wasm32');
    assert.equal(sharpBuildFor('auto', { ...process.versions, electron: '37.2.0' }, 'darwin'), 'native-first');
    assert.equal(sharpBuildFor('auto', process.versions, 'linux'), 'native-first');
    const input = await scene('wasm.png', 600, 400, '#3060a0');
    const wasm = new ImageWorker({ script: WORKER, build: 'wasm32' });
    try {
      assert.equal((await wasm.library()).build, 'wasm32');
      const report = await wasm.finish(
        input,
        { size: { width: 300, height: 200 }, format: 'png' },
        file('wasm-out.png'),
      );
      assert.deepEqual(imageSize(await readFile(file('wasm-out.png'))), { width: 300, height: 200 });
      assert.equal(report.format, 'png');
    } finally {
      await wasm.dispose();
    }
    assert.equal((await engine.library()).build, 'native');
  });
});
