/**
 * An ImageFinisher on sharp itself, on the test's thread: the library the extension's image
 * worker runs, used directly, so the export code is tested on real pixels and real files where
 * the worker is not needed. Size, crop and format only (no key-out).
 */
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { GenerationError } from '../../../src/core/errors';
import {
  type FinishReport,
  type FinishSpec,
  type ImageFacts,
  type ImageFinisher,
  type OutputFormat,
  centredCrop,
  upscaleOf,
} from '../../../src/core/finish';

export class SharpFinisher implements ImageFinisher {
  /** Files made: a refused export must have made none. */
  finishes = 0;

  async probe(input: string): Promise<ImageFacts> {
    try {
      const meta = await sharp(input).metadata();
      return { width: meta.width, height: meta.height, format: meta.format, hasAlpha: meta.hasAlpha };
    } catch (error) {
      throw new GenerationError({
        kind: 'unexpected',
        code: 'corruptImage',
        template: 'The image {0} cannot be read.',
        args: [input],
        cause: error,
      });
    }
  }

  async finish(input: string, spec: FinishSpec, output: string): Promise<FinishReport> {
    this.finishes++;
    const facts = await this.probe(input);
    const size = spec.size ?? facts;
    const crop = spec.crop ?? centredCrop(facts, size);
    const format: OutputFormat = spec.format ?? 'png';
    const { data, info } = await sharp(input)
      .extract(crop)
      .resize(size.width, size.height, { kernel: 'lanczos3', fit: 'fill' })
      .toFormat(format, spec.quality ? { quality: spec.quality } : {})
      .toBuffer({ resolveWithObject: true });
    await writeFile(output, data, { flag: 'wx' });
    const upscale = upscaleOf(crop, size);
    return {
      width: info.width,
      height: info.height,
      format,
      hasAlpha: info.channels === 4,
      bytes: data.length,
      crop,
      ...(upscale > 1 ? { upscale } : {}),
    };
  }
}
