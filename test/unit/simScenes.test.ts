/**
 * The simulator's images stand in for what models paint, so finishing (crop, resample, keying out
 * a flat colour) is tested against them: they must have the sizes models answer with, paint the
 * key colour exactly when asked (or ignore it, as models do), and say what they showed. Checked
 * over HTTP with plain fetch and decoded by sharp, never with the client's own code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { parseArgs } from '../sim/cli';
import { SimControl } from '../sim/control';
import { type ControlServer, startControlServer } from '../sim/controlServer';
import { sceneImage } from '../sim/sceneImages';
import { KEY_DISTANCE, type SceneParams, hexToRgb, renderScene } from '../sim/scenes';
import { SUBJECT_KINDS } from '../sim/shapes';
import { useSimulator } from './helpers/simulator';

const sim = useSimulator({ taskDurationMs: 0 });

/** The sentence a client adds to ask for a background it can key out (typed here, not taken from the client). */
const keySentence = (hex: string) =>
  `Paint the subject on a perfectly flat, uniform solid ${hex} background that fills the whole frame edge to edge: no gradient, no texture, no shadow on the background, no checkerboard pattern, and do not use ${hex} anywhere in the subject.`;

async function createTask(body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${sim.apiOrigin}/tencent-vod/v1/aigc-image`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sim.apiKey}` },
    body: JSON.stringify({ model_name: 'GEM', model_version: '2.5', ...body }),
  });
  const answer = (await response.json()) as { Response: { TaskId: string } };
  assert.equal(response.status, 200);
  return answer.Response.TaskId;
}

async function imageOf(taskId: string): Promise<Buffer> {
  const response = await fetch(`${sim.apiOrigin}/tencent-vod/v1/query/${taskId}`, {
    headers: { Authorization: `Bearer ${sim.apiKey}` },
  });
  const answer = (await response.json()) as {
    Response: { AigcImageTask: { Output: { FileInfos: { FileUrl: string }[] } } };
  };
  const image = await fetch(answer.Response.AigcImageTask.Output.FileInfos[0]!.FileUrl);
  assert.equal(image.status, 200);
  return Buffer.from(await image.arrayBuffer());
}

interface Pixels {
  width: number;
  height: number;
  data: Buffer;
}

async function pixelsOf(bytes: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

const sizeOf = async (body: Record<string, unknown>) => {
  const { width, height } = await sharp(await imageOf(await createTask(body))).metadata();
  return `${width}x${height}`;
};

const rgbAt = (p: Pixels, i: number) => [p.data[i * 3]!, p.data[i * 3 + 1]!, p.data[i * 3 + 2]!] as const;

function borderIndexes(p: Pixels): number[] {
  const out: number[] = [];
  for (let x = 0; x < p.width; x++) out.push(x, (p.height - 1) * p.width + x);
  for (let y = 1; y < p.height - 1; y++) out.push(y * p.width, y * p.width + p.width - 1);
  return out;
}

const distinct = (p: Pixels, indexes: number[]) => new Set(indexes.map((i) => rgbAt(p, i).join(','))).size;

describe('sizes, as each model answers', () => {
  it('GEM asked for 16:9 at 1080P answers 1920×1080 with real sizes on', async () => {
    sim.configure({ realSizes: true });
    assert.equal(
      await sizeOf({ prompt: 'a kite', output_config: { aspect_ratio: '16:9', resolution: '1080P' } }),
      '1920x1080',
    );
    assert.equal(
      await sizeOf({ prompt: 'a kite', output_config: { aspect_ratio: '9:16', resolution: '720P' } }),
      '720x1280',
    );
  });

  it('Hunyuan ignores the aspect ratio and answers about one megapixel in multiples of 16', async () => {
    sim.configure({ realSizes: true });
    const hunyuan = { model_name: 'Hunyuan', model_version: '3.0', prompt: 'a kite' };
    assert.equal(
      await sizeOf({ ...hunyuan, output_config: { aspect_ratio: '16:9', resolution: '1080P' } }),
      '1024x1024',
    );
    const [width, height] = (await sizeOf({ ...hunyuan, output_config: { resolution: '1920x1080' } }))
      .split('x')
      .map(Number) as [number, number];
    assert.equal(width % 16, 0);
    assert.equal(height % 16, 0);
    assert.ok(Math.abs((width * height) / 2 ** 20 - 1) < 0.05, `${width}x${height} is about a megapixel`);
    assert.ok(Math.abs(width / height / (16 / 9) - 1) < 0.02, `${width}x${height} keeps the 16:9 shape`);
  });

  it('Qwen answers the exact size asked, and its own square for a tier', async () => {
    sim.configure({ realSizes: true });
    const qwen = { model_name: 'Qwen', model_version: '0925', prompt: 'a kite' };
    assert.equal(await sizeOf({ ...qwen, output_config: { resolution: '1200x630' } }), '1200x630');
    assert.equal(await sizeOf({ ...qwen, output_config: { resolution: '2K', aspect_ratio: '16:9' } }), '1328x1328');
  });

  it('without real sizes every model answers small, in the shape of the ratio asked', async () => {
    assert.equal(
      await sizeOf({ prompt: 'a kite', output_config: { aspect_ratio: '16:9', resolution: '4K' } }),
      '128x72',
    );
    assert.equal(await sizeOf({ prompt: 'a kite' }), '64x64');
  });
});

describe('the key colour', () => {
  it('a prompt asking for a flat #00ff00 background gets exactly that colour wherever the subject is not, and soft subject edges', async () => {
    const id = await createTask({
      prompt: `A paper boat. ${keySentence('#00ff00')}`,
      output_config: { aspect_ratio: '16:9' },
    });
    const pixels = await pixelsOf(await imageOf(id));
    const { mask } = renderScene(sim.sceneOf(id));
    assert.equal(mask.length, pixels.width * pixels.height);
    for (const i of borderIndexes(pixels)) assert.deepEqual(rgbAt(pixels, i), [0, 255, 0], `border pixel ${i}`);
    let outside = 0;
    let edge = 0;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 0) {
        outside++;
        assert.deepEqual(rgbAt(pixels, i), [0, 255, 0], `pixel ${i}, not covered by the subject`);
      } else if (mask[i]! < 1) edge++;
    }
    assert.ok(outside > mask.length / 3, `${outside} pixels of backdrop`);
    assert.ok(edge > 40, `${edge} edge pixels partly covered`);
  });

  it('a ring painted on a key colour shows the key colour through its hole', async () => {
    const id = await createTask({ prompt: `A golden ring. ${keySentence('#ff00ff')}` });
    const pixels = await pixelsOf(await imageOf(id));
    const scene = renderScene(sim.sceneOf(id));
    assert.equal(scene.subject, 'ring');
    let hole = -1;
    for (let x = 0; x < pixels.width && hole < 0; x++) {
      const i = Math.round(pixels.height / 2) * pixels.width + x;
      if (scene.mask[i] === 1 && scene.mask[i + 3] === 0) hole = i + 3;
    }
    assert.ok(hole >= 0, 'a row through the middle leaves the ring and enters the hole');
    assert.deepEqual(rgbAt(pixels, hole), [255, 0, 255]);
  });

  it('the subject never comes near the key colour, whatever it is and whatever the seed', () => {
    for (const key of ['#00ff00', '#ff00ff', '#0000ff', '#ffffff']) {
      const rgb = hexToRgb(key);
      for (let n = 0; n < 30; n++) {
        const subject = SUBJECT_KINDS[n % SUBJECT_KINDS.length]!;
        const scene = renderScene({
          width: 96,
          height: 64,
          seed: `seed ${n}`,
          subject,
          backdrop: { kind: 'key', colour: key },
        });
        let nearest = Infinity;
        for (let i = 0; i < scene.mask.length; i++) {
          if (scene.mask[i] !== 1) continue;
          const [r, g, b] = [scene.rgba[i * 4]!, scene.rgba[i * 4 + 1]!, scene.rgba[i * 4 + 2]!];
          nearest = Math.min(nearest, Math.hypot(r - rgb[0], g - rgb[1], b - rgb[2]));
        }
        assert.ok(nearest >= KEY_DISTANCE, `${subject} on ${key}, seed ${n}: a pixel ${nearest.toFixed(0)} from it`);
      }
    }
  });

  it('with key noise the backdrop stays within that many levels of the key colour, but is no longer exact', async () => {
    sim.configure({ keyNoise: 6 });
    const id = await createTask({ prompt: `A paper boat. ${keySentence('#0000ff')}` });
    const pixels = await pixelsOf(await imageOf(id));
    const border = borderIndexes(pixels);
    for (const i of border) {
      const [r, g, b] = rgbAt(pixels, i);
      assert.ok(r <= 6 && g <= 6 && b >= 249, `border pixel ${i}: ${r},${g},${b}`);
    }
    assert.ok(distinct(pixels, border) > 10, 'the noise shows');
  });

  it('a model that ignores the key colour paints its scenery: the border is not flat', async () => {
    sim.fault({ route: 'create', fault: { kind: 'ignoresKeyColour' } });
    const ignored = await pixelsOf(
      await imageOf(await createTask({ prompt: `A paper boat. ${keySentence('#00ff00')}` })),
    );
    const border = borderIndexes(ignored);
    assert.ok(distinct(ignored, border) > border.length / 4, 'a scene, not a flat colour');
    assert.ok(border.every((i) => rgbAt(ignored, i).join() !== '0,255,0'));
    const obeyed = await pixelsOf(
      await imageOf(await createTask({ prompt: `A paper boat. ${keySentence('#00ff00')}` })),
    );
    assert.equal(distinct(obeyed, borderIndexes(obeyed)), 1, 'the fault was used up: the next task obeys');
  });

  it('or it paints a checkerboard as if that were transparency: only white and light grey around the subject', async () => {
    sim.fault({ route: 'create', fault: { kind: 'ignoresKeyColour', paints: 'checkerboard' } });
    const id = await createTask({ prompt: `A paper boat. ${keySentence('#00ff00')}` });
    const pixels = await pixelsOf(await imageOf(id));
    const { mask } = renderScene(sim.sceneOf(id));
    const around = [...mask.keys()].filter((i) => mask[i] === 0);
    assert.deepEqual(new Set(around.map((i) => rgbAt(pixels, i).join())), new Set(['255,255,255', '204,204,204']));
  });

  it('a prompt without a background request gets a scene with a shadow, not a flat colour', async () => {
    const id = await createTask({ prompt: 'A paper boat on a solid wooden table, #00ff00 sails.' });
    assert.deepEqual(sim.sceneOf(id).backdrop, { kind: 'scenery' });
    const pixels = await pixelsOf(await imageOf(id));
    const border = borderIndexes(pixels);
    assert.ok(distinct(pixels, border) > border.length / 4);
  });
});

describe('the same image every time', () => {
  for (const format of ['png', 'jpeg', 'webp'] as const) {
    it(`${format}: a task's image is the same bytes on every download, and when painted again`, async () => {
      sim.configure({ imageFormat: format });
      const id = await createTask({
        prompt: `A paper boat. ${keySentence('#00ff00')}`,
        output_config: { aspect_ratio: '4:3' },
      });
      const first = await imageOf(id);
      assert.deepEqual(await imageOf(id), first);
      assert.deepEqual(await sceneImage(sim.sceneOf(id), format), first, 'painted and encoded afresh');
      const { width, height } = await sharp(first).metadata();
      assert.deepEqual([width, height], [128, 96]);
    });
  }

  it('two tasks with the same prompt show different images', async () => {
    const a = await imageOf(await createTask({ prompt: 'A paper boat.' }));
    const b = await imageOf(await createTask({ prompt: 'A paper boat.' }));
    assert.notDeepEqual(a, b);
  });
});

describe('another process', () => {
  let control: ControlServer;
  before(async () => {
    control = await startControlServer(sim);
  });
  after(async () => {
    await control.close();
  });

  it('can switch real sizes on, make the model ignore the key colour, and learn what a task showed', async () => {
    const remote = new SimControl(control.origin);
    await remote.configure({ realSizes: true });
    await remote.fault({ route: 'create', fault: { kind: 'ignoresKeyColour', paints: 'checkerboard' } });
    const id = await createTask({ prompt: `A star. ${keySentence('#00ff00')}`, output_config: { resolution: '720P' } });
    const params: SceneParams = await remote.sceneOf(id);
    assert.deepEqual(
      { width: params.width, height: params.height, backdrop: params.backdrop, subject: params.subject },
      { width: 1280, height: 1280, backdrop: { kind: 'checkerboard' }, subject: 'star' },
    );
    const shown = await pixelsOf(await imageOf(id));
    assert.deepEqual(Buffer.from(shown.data), rgbOnly(renderScene(params).rgba));
  });

  it('can start the simulator with real sizes and key noise from the command line', () => {
    const { options } = parseArgs(['--real-sizes', '--key-noise', '4']);
    assert.equal(options.realSizes, true);
    assert.equal(options.keyNoise, 4);
  });
});

function rgbOnly(rgba: Uint8Array): Buffer {
  const out = Buffer.alloc((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    out[j] = rgba[i]!;
    out[j + 1] = rgba[i + 1]!;
    out[j + 2] = rgba[i + 2]!;
  }
  return out;
}
