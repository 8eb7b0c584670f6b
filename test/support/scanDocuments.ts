/**
 * Documents of one size for each language the missing-image quick fix reads: an ordinary one,
 * written the way such files are (prose, rules, markup and code with a reference every few
 * lines), and hostile ones, built to make a scanner re-read the same text from every position or
 * to put a broken reference every few characters. Shared by the scan-cost tests and the scan
 * benchmark, so both measure the same documents.
 */

/**
 * `unit` repeated and cut to exactly `length` characters, in one flat string as a document read
 * from disk is (a sliced one costs every scanner an indirection per character, and not equally).
 */
export function repeatTo(unit: string, length: number): string {
  return flat(unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
}

function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

const MARKDOWN = `## Setting up the keeper's cottage

The cottage stands at the end of the harbour wall. Its roof was rebuilt after the storm; see
[the history page](history.md) and the [photo archive](https://example.org/archive) for more,
or read \`notes/roof.md\` for the timber sizes.

![The cottage at dusk, seen from the pier](images/cottage-dusk.png "Cottage")

- Keys are kept at the harbour office, open from nine to five.
- The stove needs dry wood; the shed is behind the house, next to the [tide table](tides.md).

<img src="images/floor-plan.jpg" alt="Floor plan" width="1600" height="900">

\`\`\`js
const cottage = require('./cottage');
cottage.open({ keys: 2 });
\`\`\`

`;

const HTML = `<section class="gallery" id="harbour">
  <h2>The harbour at low tide</h2>
  <p>Boats rest on the mud until the water returns; the <a href="tides.html">tide table</a> says when.</p>
  <img src="images/low-tide.webp" alt="Boats on the mud" width="1200" height="800" loading="lazy">
  <div class="caption" style="background: url('images/paper.png') repeat">Photographed in March.</div>
  <ul><li><a href="north.html">North pier</a></li><li><a href="south.html">South pier</a></li></ul>
</section>
`;

const CSS = `.hero {
  display: grid;
  grid-template-columns: 1fr 2fr;
  background: url("../images/hero-bg.webp") center / cover no-repeat;
  color: var(--text, #222);
}
.card > .title { font: 600 1.1rem/1.4 system-ui, sans-serif; margin: 0 0 0.5rem; }
.card:hover { box-shadow: 0 2px 8px rgb(0 0 0 / 20%); transform: translateY(-1px); }
.icon-map { width: 24px; height: 24px; background-image: url(icons/map.png); }
@media (max-width: 600px) { .hero { grid-template-columns: 1fr; } }
`;

const TSX = `import { useState } from 'react';
import hero from './assets/hero.png';
import type { Props } from './types';

export function Harbour({ boats }: Props) {
  const [open, setOpen] = useState(false);
  const logo = require('./assets/logo.webp');
  return (
    <div className="harbour" onClick={() => setOpen(!open)}>
      <img src={hero} alt="The harbour" />
      <img src="./assets/map.jpg" alt="Map" width={800} height={600} />
      {boats.map((b) => <span key={b.id}>{b.name}</span>)}
    </div>
  );
}

`;

const VUE = `<template>
  <figure class="tide">
    <img src="./assets/tide.png" alt="Tide chart" width="1024" height="1024">
    <figcaption>{{ caption }}</figcaption>
  </figure>
</template>
<script>
import chart from './assets/chart.jpg';
export default { data: () => ({ caption: 'High water at noon', chart }) };
</script>
<style>
.tide { background: url('./assets/waves.webp') repeat-x; padding: 1rem; }
</style>
`;

/** An ordinary document of each language, `length` characters long. */
export function ordinaryDocument(languageId: string, length: number): string {
  const unit = {
    markdown: MARKDOWN,
    html: HTML,
    css: CSS,
    scss: CSS,
    typescriptreact: TSX,
    typescript: TSX,
    javascript: TSX,
    vue: VUE,
    svelte: VUE,
  }[languageId];
  if (!unit) throw new Error(`no ordinary ${languageId} document`);
  return repeatTo(unit, length);
}

export interface HostileDocument {
  languageId: string;
  /** What it repeats, as a reader would describe it. */
  name: string;
  /**
   * `rescan`: each candidate's run of text holds the next candidates, so a scanner that reads
   * the run again from each of them takes the square of the length (or worse). `dense`: a
   * broken candidate every few characters, the most work a scanner that reads each run once
   * still has to do.
   */
  kind: 'rescan' | 'dense';
  text: string;
}

/** Documents built against image-reference scanners, `length` characters each. */
export function hostileDocuments(length: number): HostileDocument[] {
  const make = (languageId: string, kind: HostileDocument['kind'], name: string, text: string) => ({
    languageId,
    kind,
    name,
    text: flat(text.slice(0, length)),
  });
  return [
    make('markdown', 'rescan', '![ repeated', repeatTo('![', length)),
    make('markdown', 'rescan', '![](a repeated', repeatTo('![](a', length)),
    make('markdown', 'rescan', '[ and ![ on one line', repeatTo('[x![', length)),
    make('markdown', 'dense', '![]() repeated', repeatTo('![]()', length)),
    make('markdown', 'dense', '![a](b "title repeated', repeatTo('![a](b "t', length)),
    make('html', 'rescan', '<img without >', repeatTo('<img ', length)),
    make('html', 'dense', '<img> repeated', repeatTo('<img>', length)),
    make(
      'html',
      'rescan',
      'one <img> of 320 KB of style',
      `<img src="a.png" style="${repeatTo('width:1px;', length - 27)}">`,
    ),
    make(
      'html',
      'rescan',
      'JSX sizes that never close',
      `<img src="a.png" ${repeatTo('width={1 height={ ', length - 18)}>`,
    ),
    make(
      'html',
      'dense',
      'one <img> of 320 KB of attributes',
      `<img ${repeatTo('src="a.png" alt=x width=', length - 6)}>`,
    ),
    make('css', 'rescan', 'url( repeated', repeatTo('url(', length)),
    make(
      'css',
      'rescan',
      'one rule of 320 KB of backgrounds and sizes',
      `.a{${repeatTo('background:url(a.png);width:1px;', length - 4)}}`,
    ),
    make(
      'css',
      'rescan',
      'backgrounds in a rule that never closes',
      `.a{${repeatTo('background:url(a.png) ', length - 3)}`,
    ),
    make(
      'css',
      'rescan',
      'a background in a rule of ; with one : at its end',
      `.a{background:url(a.png);${repeatTo(';', length - 28)}:}`,
    ),
    // A reference every line, not every few characters: the cost to catch is reading back to the `;`.
    make('css', 'rescan', 'url( after one delimiter', `;${repeatTo(` url(a.png)${' '.repeat(53)}`, length - 1)}`),
    make(
      'css',
      'rescan',
      'a background before 320 KB of width:',
      `.a{background:url(a.png);${repeatTo('width:', length - 27)}}`,
    ),
    make('css', 'dense', 'url("a repeated', repeatTo('url("a', length)),
    make(
      'css',
      'dense',
      'one-line rules with a background box',
      repeatTo('.a{background:url(a.png);width:9px;height:9px}', length),
    ),
    make('typescript', 'rescan', 'import then blank lines', `import${repeatTo(' \n', length - 6)}`),
    make('typescript', 'rescan', 'import a, repeated', repeatTo('import a, ', length)),
    make('typescript', 'dense', 'import( repeated', repeatTo('import(', length)),
    make('typescript', 'dense', 'require( repeated', repeatTo('require(', length)),
    make('vue', 'rescan', 'every anchor at once', repeatTo('<img url( import ![ require( ', length)),
    make('svelte', 'rescan', 'url( inside <img', `<img src="${repeatTo('url(', length - 12)}">`),
  ];
}

const IMAGE_LINE = '\n\n![](images/a.png)\n';

/** Ordinary Markdown of `length` characters ending in an image without alt text (named by its nearest heading). */
export function ordinaryHeadingDocument(length: number): string {
  return flat(ordinaryDocument('markdown', length - IMAGE_LINE.length) + IMAGE_LINE);
}

/** The same, but its only heading is a line of nearly `length` characters, mostly trailing space. */
export function hostileHeadingDocument(length: number): string {
  return flat(`# Harbour${' '.repeat(length - 10 - IMAGE_LINE.length)}x${IMAGE_LINE}`);
}
