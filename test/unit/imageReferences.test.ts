/** Finding image references in source files, and what an image's bytes say about its size. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageSize } from '../../src/core/imageFormat';
import { aspectRatioFor, findImageReferences, isLocalImagePath, promptFor } from '../../src/core/imageReferences';
import { TINY_JPEG, TINY_WEBP, pngBytes } from '../sim/images';

/** Each reference's path is exactly the text at its offsets (what a fix would replace). */
function refs(text: string, language: string) {
  const found = findImageReferences(text, language);
  for (const r of found) assert.equal(text.slice(r.start, r.end), r.path);
  return found;
}

describe('image references', () => {
  it('Markdown: ![alt](path "title"), with the alt text', () => {
    const text = '# Intro\n\n![Hero banner, sunrise](assets/hero.png "Hero")\nand ![](<img/a b.jpg>) and ![x](https://cdn.example/x.png)';
    const found = refs(text, 'markdown');
    assert.deepEqual(found.map((r) => [r.syntax, r.path, r.alt]), [['markdown', 'assets/hero.png', 'Hero banner, sunrise']]);
  });

  it('HTML and JSX: <img src alt width height>, quoted or in braces', () => {
    const html = '<p><img class="x" src="img/cat.jpg" alt="A cat" width="1600" height="900"></p><img src=\'/logo.webp\'>';
    const found = refs(html, 'html');
    assert.deepEqual(found.map((r) => [r.path, r.alt, r.width, r.height]), [
      ['img/cat.jpg', 'A cat', 1600, 900],
      ['/logo.webp', undefined, undefined, undefined],
    ]);
    const tsx = 'export const Hero = () => <img src={"./hero.png"} alt="Hero" />;\nimport logo from "./logo.png";\nconst icon = require(\'../icons/app.jpeg\');';
    assert.deepEqual(refs(tsx, 'typescriptreact').map((r) => [r.syntax, r.path]), [
      ['html', './hero.png'],
      ['import', './logo.png'],
      ['import', '../icons/app.jpeg'],
    ]);
  });

  it('CSS url(), and a Vue file with all three', () => {
    assert.deepEqual(refs('.a { background: url("../img/bg.webp") } .b { background: url(data:image/png;base64,AAA) }', 'scss').map((r) => r.path), ['../img/bg.webp']);
    const vue = '<template><img src="./assets/sprite.png" alt="Sprite"></template>\n<script>import x from "./assets/x.jpg"</script>\n<style>.y{background:url(./assets/y.png)}</style>';
    assert.deepEqual(refs(vue, 'vue').map((r) => r.path), ['./assets/sprite.png', './assets/x.jpg', './assets/y.png']);
  });

  it('only local image paths: no URLs, data:, protocol-relative, templates or other file types', () => {
    for (const p of ['https://x/a.png', 'data:image/png;base64,AA', '//cdn/a.png', 'img/${name}.png', 'img/{{ name }}.png', 'a.svg', 'a.png.txt']) assert.ok(!isLocalImagePath(p), p);
    for (const p of ['a.png', './b/c.JPG', '/d.jpeg', 'e.webp?v=2']) assert.ok(isLocalImagePath(p), p);
    assert.deepEqual(refs('![a](a.svg) <img src="b.gif">', 'markdown'), []);
  });

  it('a prompt from the alt text, else the nearest heading above, else the file name', () => {
    const text = '# Project\n\n## The dragon’s lair\n\n![](art/lair.png)\n\n![Map of the north](art/map.png)';
    const [lair, map] = findImageReferences(text, 'markdown');
    assert.equal(promptFor(map!, text), 'Map of the north');
    assert.equal(promptFor(lair!, text), 'The dragon’s lair');
    assert.equal(promptFor(findImageReferences('x ![](img/hero-banner_v2.png)', 'markdown')[0]!, 'x ![](img/hero-banner_v2.png)'), 'hero banner v2');
  });

  it('an aspect ratio from width and height when one is close (3 %)', () => {
    assert.equal(aspectRatioFor(1600, 900), '16:9');
    assert.equal(aspectRatioFor(512, 512), '1:1');
    assert.equal(aspectRatioFor(2560, 1080), '21:9');
    assert.equal(aspectRatioFor(1000, 700), undefined);
    assert.equal(aspectRatioFor(undefined, 300), undefined);
  });
});

describe('image size from its bytes', () => {
  it('reads PNG, JPEG and WebP dimensions', () => {
    assert.deepEqual(imageSize(pngBytes(320, 200)), { width: 320, height: 200 });
    assert.deepEqual(imageSize(TINY_JPEG), { width: 16, height: 16 });
    assert.deepEqual(imageSize(TINY_WEBP), { width: 16, height: 16 });
    assert.equal(imageSize(Buffer.from('not an image at all')), undefined);
  });
});
