/**
 * A project's styles file is written by hand and shared through the repository: what a user
 * notices is whether a mistake is named where it is (the style and the field), whether one
 * broken style spoils the others, and whether the editor's schema offers exactly what the
 * extension accepts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OUTPUT_FORMATS } from '../../src/core/finish';
import { ASPECT_RATIOS, RESOLUTIONS } from '../../src/core/models';
import { STYLE_FIELDS, STYLE_MODELS, canonicalJson, parseStyles, parseStylesText } from '../../src/core/styles';

const root = join(__dirname, '..', '..', '..');
const jsonSchema = JSON.parse(readFileSync(join(root, 'schemas', 'aigc-styles.schema.json'), 'utf8')) as {
  additionalProperties: boolean;
  properties: Record<string, unknown>;
  definitions: {
    style: { additionalProperties: boolean; properties: Record<string, { enum?: string[]; type: string }> };
  };
};
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: { jsonValidation: { fileMatch: string; url: string }[] };
};

/** The problems as the user reads them (English templates filled in). */
function messages(raw: unknown): string[] {
  return parseStyles(raw).problems.map((p) => p.args.reduce((text, arg, i) => text.replace(`{${i}}`, arg), p.template));
}

describe('project styles file', () => {
  it('names the style and the field of a mistake, and keeps the other styles usable', () => {
    const file = parseStyles({
      default: 'brand',
      styles: { brand: { prompt: 'Flat art of {prompt}' }, card: { size: '1200 by 630' } },
    });
    assert.deepEqual(
      file.styles.map((s) => s.name),
      ['brand'],
    );
    assert.equal(file.defaultName, 'brand');
    assert.deepEqual(messages({ styles: { card: { size: '1200 by 630' } } }), [
      'Style "card": size must be WxH in pixels, each side 1–8192, like "1200x630"',
    ]);
  });

  it('names a misspelt field instead of ignoring it, with the fields there are', () => {
    const [message] = messages({ styles: { brand: { negativPrompt: 'text' } } });
    assert.match(
      message!,
      /^Style "brand": negativPrompt is not a field here \(the fields are: description, prompt, negativePrompt/,
    );
  });

  it('names the field of a wrong model, shape or format with the values it takes', () => {
    assert.deepEqual(messages({ styles: { a: { model: 'GEM 9' } } }), [
      `Style "a": model must be one of: ${STYLE_MODELS.join(', ')}`,
    ]);
    assert.match(
      messages({ styles: { a: { aspectRatio: '7:3' } } })[0]!,
      /^Style "a": aspectRatio must be one of: 1:1/,
    );
    assert.match(
      messages({ styles: { a: { transparent: true, format: 'jpeg' } } })[0]!,
      /^Style "a": transparent cannot be combined with format jpeg/,
    );
  });

  it('refuses reference images and output folders outside the workspace folder', () => {
    for (const style of [
      { references: ['../secrets/key.png'] },
      { references: ['/etc/passwd'] },
      { references: ['C:\\Users\\me\\a.png'] },
      { outputFolder: 'docs/../../out' },
      { outputFolder: '\\\\server\\share' },
    ]) {
      const [message] = messages({ styles: { a: style } });
      assert.match(
        message ?? '',
        /^Style "a": (references\.0|outputFolder) must be a path inside the workspace folder/,
        JSON.stringify(style),
      );
    }
    assert.deepEqual(
      parseStyles({ styles: { a: { references: ['design/ref.png'], outputFolder: 'docs/images' } } }).problems,
      [],
    );
  });

  it('says when the default names no style, and when the file is not JSON', () => {
    assert.deepEqual(messages({ default: 'brnad', styles: { brand: {} } }), [
      '.vscode/aigc-styles.json: default "brnad" is not one of the styles (brand)',
    ]);
    const broken = parseStylesText('{ "styles": { "brand": { "prompt": "x", } } }');
    assert.equal(broken.styles.length, 0);
    assert.match(broken.problems[0]!.args[0]!, /aigc-styles\.json/);
    assert.equal(broken.problems[0]!.template, '{0} is not valid JSON: {1}');
  });

  it('keeps a broken default as the default, so it is reported rather than silently dropped', () => {
    const file = parseStyles({ default: 'card', styles: { card: { size: 'big' }, brand: {} } });
    assert.equal(file.defaultName, 'card');
    assert.deepEqual(
      file.styles.map((s) => s.name),
      ['brand'],
    );
  });

  it('gives a reformatted style the same content hash, and a changed one another', () => {
    const a = parseStylesText('{"styles":{"b":{"prompt":"x","model":"GEM 3.0"}}}').styles[0]!.json;
    const b = parseStylesText('{\n  "styles": {\n    "b": { "model": "GEM 3.0",\n "prompt": "x" }\n  }\n}').styles[0]!
      .json;
    const c = parseStylesText('{"styles":{"b":{"prompt":"y","model":"GEM 3.0"}}}').styles[0]!.json;
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.equal(canonicalJson({ z: [1, { b: 2, a: 1 }], a: null }), '{"a":null,"z":[1,{"a":1,"b":2}]}');
  });
});

describe('the styles file’s JSON schema (completion and errors in the editor)', () => {
  it('offers exactly the fields and values the extension accepts', () => {
    const style = jsonSchema.definitions.style;
    assert.deepEqual(Object.keys(style.properties).sort(), [...STYLE_FIELDS].sort());
    assert.equal(style.additionalProperties, false);
    assert.equal(jsonSchema.additionalProperties, false);
    assert.deepEqual(Object.keys(jsonSchema.properties).sort(), ['$schema', 'default', 'styles']);
    assert.deepEqual(style.properties.model!.enum, STYLE_MODELS);
    assert.deepEqual(style.properties.aspectRatio!.enum, [...ASPECT_RATIOS]);
    assert.deepEqual(style.properties.resolution!.enum, [...RESOLUTIONS]);
    assert.deepEqual(style.properties.format!.enum, [...OUTPUT_FORMATS]);
  });

  it('is what the manifest contributes for .vscode/aigc-styles.json, and ships in the package', () => {
    assert.deepEqual(manifest.contributes.jsonValidation, [
      { fileMatch: '.vscode/aigc-styles.json', url: './schemas/aigc-styles.schema.json' },
    ]);
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
    assert.ok(ignore.includes('!schemas/**'), '.vscodeignore must keep schemas/ in the package');
  });
});
