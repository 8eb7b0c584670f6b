/**
 * The pixel size a document gives a missing image becomes the exact size of the file the quick
 * fix makes, so what counts as a size matters: a page that draws `og.jpg` in a 1200×630 box
 * gets a 1200×630 file, and a box of `100%` or `20rem` states nothing about the file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FINISHED_SIDE } from '../../src/core/finish';
import { findImageLinks, statedSizeOf } from '../../src/core/imageLinks';

/** The exact size the document states for its only image reference. */
function sizeIn(text: string, language: string) {
  const found = findImageLinks(text, language);
  assert.equal(found.length, 1, `one reference in ${JSON.stringify(text)}`);
  return statedSizeOf(found[0]!);
}

const OG = { width: 1200, height: 630 };

describe('the size a document gives an image', () => {
  const sizes: Array<[string, string, string, { width: number; height: number }]> = [
    ['HTML attributes', 'html', '<img src="og.jpg" alt="Card" width="1200" height="630">', OG],
    ['an inline style in pixels', 'html', '<img src="og.jpg" style="width: 1200px; height: 630px">', OG],
    [
      'attributes, when the inline style sizes the box in percent',
      'html',
      '<img src="og.jpg" width="1200" height="630" style="width: 100%; height: auto">',
      OG,
    ],
    [
      'the inline style over the attributes',
      'html',
      '<img src="og.jpg" width="10" height="10" style="width:1200px;height:630px">',
      OG,
    ],
    ['JSX numbers', 'typescriptreact', 'const Card = () => <img src="./og.jpg" width={1200} height={630} />;', OG],
    ['JSX strings', 'javascriptreact', '<img src={"./og.jpg"} width="1200" height={ 630 } />', OG],
    ['an <img> in Markdown', 'markdown', '# Card\n\n<img src="og.jpg" width=1200 height=630>\n', OG],
    [
      'a CSS rule drawing a background',
      'css',
      '.card {\n  background: url(og.jpg) center / cover;\n  width: 1200px;\n  height: 630px;\n}',
      OG,
    ],
    [
      'background-image, the box declared first',
      'less',
      '.card { width: 1200px; height: 630px !important; background-image: url("og.jpg") }',
      OG,
    ],
    [
      'a width and an aspect ratio',
      'scss',
      '.hero { background-image: url(hero.webp); width: 1600px; aspect-ratio: 16 / 9; }',
      { width: 1600, height: 900 },
    ],
    [
      'a height and a single-number aspect ratio',
      'css',
      '.hero { background: url(hero.png); height: 600px; aspect-ratio: 2 }',
      { width: 1200, height: 600 },
    ],
    [
      'a rule after a nested one (SCSS)',
      'scss',
      '.a { .b { color: red } background: url(a.png); width: 64px; height: 32px }',
      { width: 64, height: 32 },
    ],
    [
      'a <style> block in a page',
      'html',
      '<style>\n.card{background:url(card.png);width:512px;height:512px}\n</style>',
      { width: 512, height: 512 },
    ],
    [
      'a <style> block in a Vue component',
      'vue',
      '<style scoped>\n.card { background: url(./card.png); width: 512px; height: 256px }\n</style>',
      { width: 512, height: 256 },
    ],
  ];
  for (const [what, language, text, expected] of sizes) {
    it(`reads ${expected.width}×${expected.height} from ${what}`, () => {
      assert.deepEqual(sizeIn(text, language), expected);
    });
  }

  const notSizes: Array<[string, string, string]> = [
    ['percent and em', 'html', '<img src="og.jpg" width="50%" height="20em">'],
    [
      'rem, vw and auto in CSS',
      'css',
      '.a { background: url(a.png); width: 20rem; height: 50vw } .b { background: url(b.png); width: auto; height: 630px }',
    ],
    ['a unitless CSS length', 'css', '.a { background: url(a.png); width: 1200; height: 630 }'],
    ['a side of 0', 'html', '<img src="og.jpg" width="0" height="630">'],
    [
      `a side over ${MAX_FINISHED_SIDE} pixels`,
      'html',
      `<img src="og.jpg" width="${MAX_FINISHED_SIDE + 1}" height="630">`,
    ],
    [
      `a CSS side over ${MAX_FINISHED_SIDE} pixels`,
      'css',
      `.a { background: url(a.png); width: 90000px; height: 630px }`,
    ],
    ['one side only', 'html', '<img src="og.jpg" width="1200">'],
    ['one CSS side only', 'css', '.a { background: url(a.png); width: 1200px }'],
    ['a box around a mask, not a background', 'css', '.a { mask-image: url(a.png); width: 1200px; height: 630px }'],
    ['min- and max- sizes', 'css', '.a { background: url(a.png); min-width: 1200px; max-height: 630px }'],
    ['a Markdown image, which has no size', 'markdown', '![Card](og.jpg)'],
  ];
  for (const [what, language, text] of notSizes) {
    it(`states no exact size with ${what}`, () => {
      const found = findImageLinks(text, language);
      assert.ok(found.length > 0, 'the reference is still found');
      for (const reference of found) assert.equal(statedSizeOf(reference), undefined, JSON.stringify(reference));
    });
  }

  it('keeps one stated side for the aspect ratio it cannot make alone', () => {
    const [reference] = findImageLinks('<img src="og.jpg" width="1200">', 'html');
    assert.equal(reference?.width, 1200);
    assert.equal(reference?.height, undefined);
  });
});
