/** The asset sets' lists, names and the lines a user pastes, as tables. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  iconFolderName,
  iconLinkLines,
  manifestIconLines,
  parseSizeList,
  sizedFileName,
  webManifestText,
} from '../../src/core/assetSets';
import { formatTemplate } from '../../src/core/errors';

describe('a list of sizes typed in the Custom sizes box', () => {
  const accepted: [string, string][] = [
    ['64, 128x64, 256', '64x64 128x64 256x256'],
    ['1200×630', '1200x630'],
    ['16 32 48', '16x16 32x32 48x48'],
    ['32;32, 32x32', '32x32'],
    [' 8192x1 ', '8192x1'],
  ];
  for (const [typed, sizes] of accepted) {
    it(`"${typed}" makes ${sizes}`, () => {
      const parsed = parseSizeList(typed);
      assert.ok('sizes' in parsed, JSON.stringify(parsed));
      assert.equal(parsed.sizes.map((s) => `${s.width}x${s.height}`).join(' '), sizes);
    });
  }

  const refused: [string, RegExp][] = [
    ['64, 12a, 256', /^Not a size: "12a"\. Write sizes like 64, 128x64, 256\.$/],
    ['64, 0x5', /^Size "0x5" is outside 1 to 8192 pixels\.$/],
    ['9000', /^Size "9000" is outside 1 to 8192 pixels\.$/],
    ['128x', /^Not a size: "128x"/],
    ['', /^Not a size: ""/],
  ];
  for (const [typed, message] of refused) {
    it(`"${typed}" is refused with a message naming the wrong item`, () => {
      const parsed = parseSizeList(typed);
      assert.ok('problem' in parsed);
      assert.match(formatTemplate(parsed.problem.template, parsed.problem.args), message);
    });
  }
});

describe('names of exported files never take an existing one', () => {
  it('the icon folder is named after the image, then numbered', () => {
    assert.deepEqual(
      [0, 1, 2].map((n) => iconFolderName('hero.png', n)),
      ['hero-icons', 'hero-icons-2', 'hero-icons-3'],
    );
  });

  it('a sized file keeps the source’s name and format, with its size', () => {
    assert.equal(sizedFileName('hero.png', { width: 1200, height: 630 }, 'png', 0), 'hero-1200x630.png');
    assert.equal(sizedFileName('photo.jpeg', { width: 1280, height: 640 }, 'jpeg', 1), 'photo-1280x640-2.jpg');
    assert.equal(sizedFileName('a.b.webp', { width: 64, height: 64 }, 'webp', 0), 'a.b-64x64.webp');
  });
});

describe('the lines a user pastes to use a web icon set', () => {
  it('link the favicon with its three sizes, the touch icon and the manifest', () => {
    assert.deepEqual(iconLinkLines(), [
      '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">',
      '<link rel="apple-touch-icon" href="/apple-touch-icon.png" sizes="180x180">',
      '<link rel="manifest" href="/site.webmanifest">',
    ]);
  });

  it('the manifest’s icons are the 192 and 512 PNGs, and the written manifest lists the same', () => {
    const lines = manifestIconLines().join('\n');
    assert.match(lines, /^ {2}"icons": \[/);
    assert.deepEqual(JSON.parse(`{${lines}}`), {
      icons: [
        { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
      ],
    });
    assert.deepEqual(
      (JSON.parse(webManifestText('hero')) as { icons: unknown }).icons,
      (JSON.parse(`{${lines}}`) as { icons: unknown }).icons,
    );
  });
});
