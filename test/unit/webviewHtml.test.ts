import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildStudioHtml, contentSecurityPolicy, createNonce } from '../../src/host/webviewHtml';

const root = join(__dirname, '..', '..', '..');
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function page(
  nonce = createNonce(),
  extra: Partial<Parameters<typeof buildStudioHtml>[0]> = {},
): { html: string; nonce: string } {
  const html = buildStudioHtml({
    cspSource: CSP_SOURCE,
    nonce,
    scriptUri: `${CSP_SOURCE}/ext/dist/webview.js`,
    styleUri: `${CSP_SOURCE}/ext/dist/webview.css`,
    codiconUri: `${CSP_SOURCE}/ext/dist/codicon.css`,
    lang: 'en',
    title: 'AIGC Image Studio',
    ...extra,
  });
  return { html, nonce };
}

function cspOf(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(match, 'the page declares a Content-Security-Policy');
  return match[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('Studio webview HTML', () => {
  it('declares a strict policy: nothing by default, scripts by nonce only, styles and images from the extension', () => {
    const { html, nonce } = page();
    const directives = Object.fromEntries(
      cspOf(html)
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`]);
    assert.deepEqual(directives['style-src'], [CSP_SOURCE]);
    assert.deepEqual(directives['img-src'], [CSP_SOURCE, 'data:']);
    assert.deepEqual(directives['font-src'], [CSP_SOURCE]);
    assert.equal(contentSecurityPolicy(CSP_SOURCE, nonce), cspOf(html));
  });

  it('never allows inline code or eval', () => {
    const { html } = page();
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic/);
    assert.doesNotMatch(html, /\*/, 'no wildcard sources');
  });

  it('puts the nonce on every script, and every script is a file', () => {
    const { html, nonce } = page();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length >= 1);
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, new RegExp(`nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`));
      assert.match(attributes!, /\ssrc="[^"]+"/);
      assert.equal(body!.trim(), '', 'no inline script body');
    }
  });

  it('has no inline event handlers and no inline styles', () => {
    const { html } = page();
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
    assert.doesNotMatch(html, /\sstyle\s*=/i);
    assert.doesNotMatch(html, /<style\b/i);
    assert.doesNotMatch(html, /javascript:/i);
  });

  it('marks the panel root for tests and screen readers', () => {
    const { html } = page();
    assert.match(html, /<main id="studio"[^>]*data-testid="studio"/);
    assert.match(html, /<html lang="en">/);
  });

  it('escapes what it is given, so a strange URI cannot break out of an attribute', () => {
    const { html } = page(undefined, { scriptUri: 'https://x/"><script>alert(1)</script>', lang: 'en"><b' });
    assert.equal([...html.matchAll(/<script\b/g)].length, 1);
    assert.doesNotMatch(html, /<b\b/);
  });

  it('uses a fresh unguessable nonce each time and refuses a weak one', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    assert.equal(nonces.size, 50);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
    assert.throws(() => page('abc'));
    assert.throws(() => page("x' 'unsafe-inline"));
  });
});

describe('Studio webview script', () => {
  const dir = join(root, 'media', 'studio');
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const);

  it('builds the page with DOM calls, never from HTML strings or eval', () => {
    assert.ok(sources.length >= 3);
    for (const [file, text] of sources) {
      assert.doesNotMatch(
        text,
        /\.innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/,
        file,
      );
      assert.doesNotMatch(text, /setAttribute\(\s*['"]style['"]|setAttribute\(\s*['"]on[a-z]+['"]/, file);
    }
  });

  it('shows no English of its own: every visible text comes from the host’s strings', () => {
    for (const [file, text] of sources) {
      // A literal of several English words in quotes is a hard-coded UI string.
      const literals = [...text.matchAll(/(['`])((?:(?!\1).){0,200})\1/g)].map((m) => m[2]!);
      const sentences = literals.filter((l) => /^[A-Z][a-z]+( [a-z]+){2,}[.…]?$/.test(l));
      assert.deepEqual(sentences, [], file);
    }
  });
});
