import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Every string a user can see: `l10n.t('…')` calls and core error templates (the host translates them). */
function userStrings(): Map<string, string> {
  const found = new Map<string, string>();
  const literal = String.raw`'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"`;
  const patterns = [
    new RegExp(String.raw`l10n\.t\(\s*(?:${literal})`, 'g'),
    new RegExp(String.raw`template:\s*(?:${literal})`, 'g'),
    // The lifecycle's notes: note(kind, template, …)
    new RegExp(String.raw`\bnote\(\s*'[^']*'\s*,\s*(?:${literal})`, 'g'),
  ];
  for (const file of sources(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        const raw = match[1] ?? match[2] ?? '';
        found.set(raw.replace(/\\'/g, "'").replace(/\\"/g, '"').replace(/\\n/g, '\n'), file);
      }
    }
  }
  return found;
}

const placeholders = (s: string) =>
  [...s.matchAll(/\{(\d+)\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',');

describe('localization', () => {
  const bundle = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<
    string,
    string
  >;

  it('translates every user-visible string into Simplified Chinese, with the same placeholders', () => {
    const strings = userStrings();
    assert.ok(strings.size > 50, `found ${strings.size} strings`);
    const missing = [...strings.keys()].filter((s) => !(s in bundle));
    assert.deepEqual(missing, [], 'strings without a zh-cn translation');
    for (const [english, chinese] of Object.entries(bundle)) {
      assert.equal(placeholders(chinese), placeholders(english), `placeholders of "${english}"`);
    }
  });

  it('has a package.nls entry in both languages for every %key% of the manifest', () => {
    const manifest = readFileSync(join(root, 'package.json'), 'utf8');
    const keys = [...new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!))];
    assert.ok(keys.length > 20);
    for (const file of ['package.nls.json', 'package.nls.zh-cn.json']) {
      const nls = JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, string>;
      assert.deepEqual(
        keys.filter((k) => !(k in nls)),
        [],
        `${file} lacks keys`,
      );
    }
  });
});
