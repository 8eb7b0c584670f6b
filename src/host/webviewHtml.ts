/**
 * The Studio's HTML: a pure function (no `vscode`), so its Content Security Policy can be
 * checked in plain Node. Everything visible is built by the script from the `init` message;
 * the page itself carries no text, no inline script body and no inline style.
 */
import { randomBytes } from 'node:crypto';

export interface StudioHtmlInput {
  /** `webview.cspSource` */
  cspSource: string;
  /** A fresh nonce per page load (see `createNonce`). */
  nonce: string;
  /** Webview URIs of the bundled script and styles. */
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** `vscode.env.language`, for the document's `lang`. */
  lang: string;
  title: string;
}

/** 128 random bits, base64: unguessable, and valid in a CSP source expression. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

const ATTRIBUTE_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&#39;',
};

export function escapeAttribute(value: string): string {
  return value.replace(/[&"<>']/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function buildStudioHtml(input: StudioHtmlInput): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(input.nonce)) throw new Error('the nonce must be at least 16 base64 characters');
  const a = escapeAttribute;
  return `<!DOCTYPE html>
<html lang="${a(input.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(contentSecurityPolicy(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${a(input.codiconUri)}">
<link rel="stylesheet" href="${a(input.styleUri)}">
<title>${a(input.title)}</title>
</head>
<body>
<main id="studio" class="studio studio--loading" data-testid="studio" aria-busy="true"></main>
<script nonce="${a(input.nonce)}" src="${a(input.scriptUri)}"></script>
</body>
</html>`;
}
