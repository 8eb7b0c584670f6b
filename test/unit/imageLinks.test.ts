/** Finding image references in source files, and what an image's bytes say about its size. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageSize } from '../../src/core/imageFormat';
import { MAX_FINISHED_SIDE } from '../../src/core/finish';
import { aspectRatioFor, findImageLinks, isLocalImagePath, linksInRange, promptFor } from '../../src/core/imageLinks';
import { TINY_JPEG, TINY_WEBP, pngBytes } from '../sim/images';
import { prng } from '../support/durations';

/** Each reference's path is exactly the text at its offsets (what a fix would replace). */
function refs(text: string, language: string) {
  const found = findImageLinks(text, language);
  for (const r of found) assert.equal(text.slice(r.start, r.end), r.path);
  return found;
}

describe('image references', () => {
  it('Markdown: ![alt](path "title"), with the alt text', () => {
    const text =
      '# Intro\n\n![Hero banner, sunrise](assets/hero.png "Hero")\nand ![](<img/a b.jpg>) and ![x](https://cdn.example/x.png)';
    const found = refs(text, 'markdown');
    assert.deepEqual(
      found.map((r) => [r.syntax, r.path, r.alt]),
      [['markdown', 'assets/hero.png', 'Hero banner, sunrise']],
    );
  });

  it('HTML and JSX: <img src alt width height>, quoted or in braces', () => {
    const html =
      '<p><img class="x" src="img/cat.jpg" alt="A cat" width="1600" height="900"></p><img src=\'/logo.webp\'>';
    const found = refs(html, 'html');
    assert.deepEqual(
      found.map((r) => [r.path, r.alt, r.width, r.height]),
      [
        ['img/cat.jpg', 'A cat', 1600, 900],
        ['/logo.webp', undefined, undefined, undefined],
      ],
    );
    const tsx =
      'export const Hero = () => <img src={"./hero.png"} alt="Hero" />;\nimport logo from "./logo.png";\nconst icon = require(\'../icons/app.jpeg\');';
    assert.deepEqual(
      refs(tsx, 'typescriptreact').map((r) => [r.syntax, r.path]),
      [
        ['html', './hero.png'],
        ['import', './logo.png'],
        ['import', '../icons/app.jpeg'],
      ],
    );
  });

  it('CSS url(), and a Vue file with all three', () => {
    assert.deepEqual(
      refs('.a { background: url("../img/bg.webp") } .b { background: url(data:image/png;base64,AAA) }', 'scss').map(
        (r) => r.path,
      ),
      ['../img/bg.webp'],
    );
    const vue =
      '<template><img src="./assets/sprite.png" alt="Sprite"></template>\n<script>import x from "./assets/x.jpg"</script>\n<style>.y{background:url(./assets/y.png)}</style>';
    assert.deepEqual(
      refs(vue, 'vue').map((r) => r.path),
      ['./assets/sprite.png', './assets/x.jpg', './assets/y.png'],
    );
  });

  it('only local image paths: no URLs, data:, protocol-relative, templates or other file types', () => {
    for (const p of [
      'https://x/a.png',
      'data:image/png;base64,AA',
      '//cdn/a.png',
      'img/${name}.png',
      'img/{{ name }}.png',
      'a.svg',
      'a.png.txt',
    ])
      assert.ok(!isLocalImagePath(p), p);
    for (const p of ['a.png', './b/c.JPG', '/d.jpeg', 'e.webp?v=2']) assert.ok(isLocalImagePath(p), p);
    assert.deepEqual(refs('![a](a.svg) <img src="b.gif">', 'markdown'), []);
  });

  it('a prompt from the alt text, else the nearest heading above, else the file name', () => {
    const text = '# Project\n\n## The dragon’s lair\n\n![](art/lair.png)\n\n![Map of the north](art/map.png)';
    const [lair, map] = findImageLinks(text, 'markdown');
    assert.equal(promptFor(map!, text), 'Map of the north');
    assert.equal(promptFor(lair!, text), 'The dragon’s lair');
    assert.equal(
      promptFor(findImageLinks('x ![](img/hero-banner_v2.png)', 'markdown')[0]!, 'x ![](img/hero-banner_v2.png)'),
      'hero banner v2',
    );
  });

  it('an aspect ratio from width and height when one is close (3 %)', () => {
    assert.equal(aspectRatioFor(1600, 900), '16:9');
    assert.equal(aspectRatioFor(512, 512), '1:1');
    assert.equal(aspectRatioFor(2560, 1080), '21:9');
    assert.equal(aspectRatioFor(1000, 700), undefined);
    assert.equal(aspectRatioFor(undefined, 300), undefined);
  });
});

describe('where the fix is offered: anywhere on the reference', () => {
  /** The paths of the references a request with the cursor at `marker`'s first character can act on. */
  function offeredAt(text: string, language: string, marker: string) {
    const at = text.indexOf(marker);
    assert.ok(at >= 0, `${marker} in ${text}`);
    return linksInRange(text, language, at, at).map((r) => r.path);
  }

  const markdown = '# Foxes\n\nSee ![A red fox in the snow](img/fox.png "The fox") here.\n';
  for (const marker of ['![', 'red fox', 'img/fox', '"The fox"', ') here'])
    it(`Markdown: with the cursor on ${marker}`, () => {
      assert.deepEqual(offeredAt(markdown, 'markdown', marker), ['img/fox.png']);
    });

  const html = '<p>Team</p>\n<img\n  src="og.jpg"\n  alt="Our team"\n  width="1200"\n  height="630"\n>\n<p>After</p>\n';
  for (const marker of ['<img', 'alt=', 'width=', 'height=', '>\n<p>After'])
    it(`an <img> over several lines: with the cursor on ${JSON.stringify(marker)}`, () => {
      assert.deepEqual(offeredAt(html, 'html', marker), ['og.jpg']);
    });

  const jsx = 'export const Card = () => (\n  <img src="./og.jpg" width={1200} height={630} />\n);\n';
  for (const marker of ['<img', 'height={'])
    it(`a JSX element: with the cursor on ${marker}`, () => {
      assert.deepEqual(offeredAt(jsx, 'typescriptreact', marker), ['./og.jpg']);
    });

  const css = '.card {\n  color: red;\n  background: #fff url("og.jpg") center / cover;\n  width: 1200px;\n}\n';
  for (const marker of ['background:', '#fff', 'center'])
    it(`a CSS declaration: with the cursor on ${marker}`, () => {
      assert.deepEqual(offeredAt(css, 'css', marker), ['og.jpg']);
    });

  it('an import: with the cursor on import', () => {
    assert.deepEqual(offeredAt("import hero from './hero.png';\n", 'typescript', 'import'), ['./hero.png']);
  });

  it('nowhere off the reference: the heading, the text before it, another declaration', () => {
    assert.deepEqual(offeredAt(markdown, 'markdown', 'Foxes'), []);
    assert.deepEqual(offeredAt(markdown, 'markdown', 'See'), []);
    assert.deepEqual(offeredAt(html, 'html', 'After'), []);
    assert.deepEqual(offeredAt(css, 'css', 'color'), []);
    assert.deepEqual(offeredAt(css, 'css', 'width'), []);
  });

  it('the path keeps its own offsets, which the document edit replaces', () => {
    const [reference] = linksInRange(html, 'html', html.indexOf('<img'), html.indexOf('<img'));
    assert.equal(html.slice(reference!.start, reference!.end), 'og.jpg');
    assert.equal(
      html.slice(reference!.span.start, reference!.span.end),
      html.slice(html.indexOf('<img'), html.indexOf('>\n<p>After') + 1),
    );
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

/**
 * The scanners replaced regular expressions that backtracked on hostile text; on short text
 * those expressions are cheap and are the definition of what a reference is. Thousands of
 * generated snippets, made of the pieces references are made of, must give the same references
 * at the same offsets, and the same heading for a prompt.
 */
describe('the scanners find what the regular expressions they replaced found', () => {
  const PIECES = [
    '![',
    '](',
    ')',
    '(',
    '[',
    ']',
    '<',
    '>',
    '"',
    "'",
    '`',
    ' ',
    '  ',
    '\n',
    '\t',
    '\r\n',
    'a.png',
    'b.jpg',
    'c.webp?v=1',
    'x',
    '/',
    '#',
    '?',
    'url(',
    'import',
    'require',
    'from',
    ' from ',
    '{',
    '}',
    ',',
    '*',
    '$',
    '<img',
    ' src=',
    ' alt=',
    ' width=',
    ' height=',
    '64',
    '=',
    'https:',
    'data:',
    '<h2>',
    '</h2>',
    '# ',
    '## ',
    'Title',
  ];
  /** Whole references, so that the pieces around them make near misses and nestings of real ones. */
  const WHOLE = [
    '![A](a.png)',
    '![](<b c.jpg> "T")',
    "url('a.png')",
    'url( b.jpg )',
    "import a from './a.png'",
    'import("b.jpg")',
    "require('c.webp')",
    '<img src="a.png" alt="A" width="64" height="64">',
    '<img src={"b.jpg"}>',
    '<img src="a.png" width={64} height="64px">',
    '\n# Heading\n',
    '<h1>Head</h1>',
  ];
  /** Each syntax's own characters, densely: candidates inside candidates, where the scanners skip ahead. */
  const DENSE: Record<string, string[]> = {
    markdown: [
      '![',
      ']',
      '(',
      ')',
      '](',
      ' ',
      '\n',
      '"',
      "'",
      '<',
      '>',
      'a.png',
      'x',
      '!',
      '[',
      '![](x',
      '![x y](a.png)',
      '![](<a.png>)',
    ],
    html: [
      '<img',
      ' ',
      'src=',
      'alt=',
      'width=',
      '"',
      "'",
      '>',
      'a.png',
      '64',
      '{',
      '}',
      '`',
      'x',
      '=',
      'width={64}',
      '<img src="a.png">',
    ],
    css: ['url(', '(', ')', ' ', '\n', '"', "'", 'a.png', 'x', 'url(x', 'url("', 'url( a.png)', 'url(a.png)'],
    import: [
      'import',
      'require',
      ' ',
      '\n',
      '(',
      ')',
      '"',
      "'",
      'a.png',
      'from',
      ',',
      '{',
      '}',
      'x',
      '*',
      '$',
      'import x, ',
      "import('a.png')",
      " from 'a.png'",
    ],
  };
  const ORACLE = {
    markdown: /!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/dg,
    css: /url\(\s*(['"]?)([^'")\s]+)\1\s*\)/dg,
    import: /\b(?:import\s+[\w${}\s,*]+\s+from\s+|import\s*\(\s*|require\s*\(\s*)(['"])([^'"\n]+)\1/dg,
  };

  function oracleAttribute(tag: string, name: string) {
    // A size may also be a JSX number, `width={64}`.
    const number = name === 'width' || name === 'height' ? String.raw`\{\s*(\d+)\s*\}|` : '';
    const m = new RegExp(
      `\\b${name}\\s*=\\s*(?:${number}"([^"]*)"|'([^']*)'|\\{\\s*["'\`]([^"'\`]*)["'\`]\\s*\\}|([^\\s>"']+))`,
      'i',
    ).exec(tag);
    if (!m) return undefined;
    const value = m.slice(1).find((group) => group !== undefined) ?? '';
    return { value, offset: m.index + m[0].lastIndexOf(value) };
  }

  /** A size in pixels: digits (browsers also read `64px`), from 1 to the largest side a finished file has. */
  function oracleSize(value: string | undefined) {
    const m = /^(\d+)(?:px)?$/i.exec(value?.trim() ?? '');
    const n = m ? Number(m[1]) : NaN;
    return n >= 1 && n <= MAX_FINISHED_SIDE ? n : undefined;
  }

  function oracle(text: string, syntaxes: string[]) {
    const found: Array<Record<string, unknown>> = [];
    const add = (syntax: string, path: string, start: number, extra: Record<string, unknown> = {}) => {
      if (isLocalImagePath(path)) found.push({ syntax, path, start, ...extra });
    };
    /** The whole match is the construct the fix is offered on. */
    const span = (m: RegExpMatchArray) => ({ span: { start: m.index!, end: m.index! + m[0].length } });
    if (syntaxes.includes('markdown'))
      for (const m of text.matchAll(ORACLE.markdown))
        add('markdown', m[2]!, m.indices![2]![0], { ...span(m), ...(m[1] ? { alt: m[1] } : {}) });
    if (syntaxes.includes('html')) {
      for (const m of text.matchAll(/<img\b[^>]*>/gi)) {
        const src = oracleAttribute(m[0], 'src');
        if (!src) continue;
        const alt = oracleAttribute(m[0], 'alt')?.value;
        const size = (name: string) => oracleSize(oracleAttribute(m[0], name)?.value);
        const [width, height] = [size('width'), size('height')];
        add('html', src.value, m.index + src.offset, {
          ...span(m),
          ...(alt ? { alt } : {}),
          ...(width ? { width } : {}),
          ...(height ? { height } : {}),
        });
      }
    }
    // A CSS declaration has no expression to compare with; its span is checked by the cases above.
    if (syntaxes.includes('css')) for (const m of text.matchAll(ORACLE.css)) add('css', m[2]!, m.indices![2]![0]);
    if (syntaxes.includes('import'))
      for (const m of text.matchAll(ORACLE.import)) add('import', m[2]!, m.indices![2]![0], span(m));
    return found.sort((a, b) => (a.start as number) - (b.start as number));
  }

  /** `count` snippets of up to 30 pieces: of all syntaxes with some whole references, then of each syntax's own. */
  function snippets(seed: number, count: number, syntaxes = Object.keys(DENSE)): string[] {
    const random = prng(seed);
    const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)]!;
    const mixed = () => (random() < 0.15 ? pick(WHOLE) : pick(PIECES));
    const generators = [mixed, ...syntaxes.map((syntax) => () => pick(DENSE[syntax]!))];
    return Array.from({ length: count }, (_, i) => {
      const piece = generators[i % generators.length]!;
      return Array.from({ length: 1 + Math.floor(random() * 30) }, piece).join('');
    });
  }

  const LANGUAGES: Array<[string, string[]]> = [
    ['markdown', ['markdown', 'html']],
    ['html', ['html', 'css']],
    ['css', ['css']],
    ['typescriptreact', ['import', 'html']],
    ['vue', ['html', 'css', 'import']],
    ['mdx', ['markdown', 'html', 'import']],
  ];

  for (const [language, syntaxes] of LANGUAGES) {
    it(`${language}: the same references at the same offsets in 4,000 generated snippets`, () => {
      let references = 0;
      for (const text of snippets(language.length * 7919, 4000, syntaxes)) {
        const expected = oracle(text, syntaxes);
        const actual = findImageLinks(text, language).map(({ end, span, ...rest }) =>
          rest.syntax === 'css' ? rest : { ...rest, span },
        );
        assert.deepEqual(actual, expected, JSON.stringify(text));
        references += expected.length;
      }
      assert.ok(references > 200, `only ${references} references generated: the snippets test too little`);
    });
  }

  it('the same heading names an image in 4,000 generated snippets, where a heading is one line', () => {
    const headings = [/^#{1,6}\s+(.+?)\s*#*$/gm, /<h[1-6][^>]*>([^<]+)<\/h[1-6]>/gi];
    let compared = 0;
    for (const text of snippets(31337, 4000, ['markdown', 'html'])) {
      for (const reference of findImageLinks(text, 'markdown')) {
        const before = text.slice(0, reference.start);
        const nearest = headings
          .flatMap((pattern) => [...before.matchAll(pattern)])
          .sort((a, b) => b.index - a.index)[0];
        // The expression's `\s+` ran on past a line with nothing after its `#`s: no heading now.
        if (nearest && /^#+[^\S\r\n]*$/.test(nearest[0].split(/[\r\n]/)[0]!)) continue;
        const withoutAlt = { ...reference, alt: undefined };
        const fromName = promptFor(withoutAlt, '');
        assert.equal(promptFor(withoutAlt, text), nearest?.[1]?.trim() || fromName, JSON.stringify(before));
        compared++;
      }
    }
    assert.ok(compared > 200, `only ${compared} prompts compared`);
  });
});
