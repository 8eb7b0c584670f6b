/**
 * Scenes encoded as the files a CDN serves, by sharp (libvips with libpng, mozjpeg and libwebp):
 * genuine encoders, so the extension's decoding meets what real models' images are made with.
 *
 * sharp is loaded on the first image, not with the simulator: most tests never fetch one. Its
 * output depends only on the pixels and the settings below, so a task's image is the same bytes
 * on every request. Encoded images are kept (a few, most recent first) because a download that
 * is repeated or resumed asks for the same one again, and a 4K scene takes a while to paint.
 */
import type SharpConstructor from 'sharp';
import type { ImageFormat } from './images';
import { type SceneParams, renderScene } from './scenes';

type Sharp = typeof SharpConstructor;

let loading: Promise<Sharp> | undefined;

function sharpModule(): Promise<Sharp> {
  loading ??= import('sharp').then((m) => ((m as { default?: Sharp }).default ?? m) as Sharp);
  return loading;
}

/** The scene's pixels as a file of `format`: PNG lossless, JPEG and WebP lossy at quality 90. */
export async function sceneImage(params: SceneParams, format: ImageFormat): Promise<Buffer> {
  const sharp = await sharpModule();
  const scene = renderScene(params);
  const image = sharp(scene.rgba, { raw: { width: scene.width, height: scene.height, channels: 4 } }).removeAlpha();
  switch (format) {
    case 'png':
      return image.png({ compressionLevel: 6 }).toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: 90 }).toBuffer();
    case 'webp':
      return image.webp({ quality: 90 }).toBuffer();
  }
}

/** Recently served images, by what they show and how they are encoded. */
export class SceneImageCache {
  private readonly images = new Map<string, Promise<Buffer>>();

  constructor(private readonly capacity = 8) {}

  get(params: SceneParams, format: ImageFormat): Promise<Buffer> {
    const id = `${format} ${JSON.stringify(params)}`;
    let image = this.images.get(id);
    if (image) this.images.delete(id);
    else image = sceneImage(params, format);
    this.images.set(id, image);
    // A failed encode must not be served from here again.
    image.catch(() => this.images.delete(id));
    while (this.images.size > this.capacity) this.images.delete(this.images.keys().next().value!);
    return image;
  }

  clear(): void {
    this.images.clear();
  }
}
