/**
 * The one way text from outside becomes text a person (or a chat model) reads.
 *
 * Gateway messages, task ids, CDN headers, file names from documents and sidecars all end up in
 * notifications, progress titles, quick picks, tooltips, the Studio and tool answers. Several of
 * those surfaces interpret what they show: VS Code turns `[label](command:…)` in a notification
 * into a link that runs a command with arguments (a ` "title"` part even hides the target), and
 * `$(name)` in a quick pick into an icon. A bidi override can make a file name read backwards,
 * and a control character can end a line early. So every such text passes through here: link
 * and icon syntax is broken up, invisible and control characters go, known keys are redacted,
 * and the length is capped. What is left is plain, readable and inert.
 *
 * Pure (no vscode, no Node): the webview may use it too.
 */

/** A notification line stays readable: longer gateway texts are cut (the full text is in the log). */
export const DISPLAY_MAX = 300;

/** Bidi embeddings, overrides and isolates, and the marks that steer them. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Zero-width characters: they hide what a text really says (a key split by one is still a key). */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
/** C0 and C1 controls, and the line and paragraph separators: one line, no terminal escapes. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
/** `](` is where VS Code's linked text (`[label](target)`) begins a link target. */
const LINK_TARGET = /\]\s*\(/g;
/** `$(` begins a codicon in quick picks, status bar items and buttons. */
const ICON = /\$\(/g;
/** `<scheme:…>` autolinks, rendered by Markdown surfaces (hovers, chat). */
const AUTOLINK = /<(?=[a-z][a-z0-9+.-]*:)/gi;
const BEARER = /(Bearer\s+)[^\s"',]+/gi;

export interface DisplayOptions {
  /** Values never to show (API keys); each is also removed in its URL-encoded form. */
  secrets?: readonly string[];
  /** Longest text returned, in characters; the rest is replaced by "…". */
  max?: number;
}

/** Plain, inert, one-line text for a notification, a quick pick, a tooltip, a webview or a chat model. */
export function displayText(value: unknown, options: DisplayOptions = {}): string {
  let text =
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
  text = text.replace(BIDI, '').replace(INVISIBLE, '');
  text = redactSecrets(text, options.secrets ?? []);
  text = text
    .replace(CONTROL, ' ')
    .replace(LINK_TARGET, '] (')
    .replace(ICON, '$ (')
    .replace(AUTOLINK, '‹')
    .replace(/\s+/g, ' ')
    .trim();
  const max = options.max ?? DISPLAY_MAX;
  // Cut by code points so a surrogate pair (an emoji, a rare CJK character) is never split.
  const points = Array.from(text);
  return points.length > max ? `${points.slice(0, Math.max(1, max - 1)).join('')}…` : text;
}

/**
 * The secrets to remove from a text: each value, its trimmed form and its pieces (a key with a
 * space or a line break in it may be echoed in parts), and the URL-encoded form of each (a
 * gateway may echo a key inside a URL). Pieces shorter than 4 characters would redact ordinary words.
 */
export function secretVariants(secrets: readonly (string | undefined)[]): string[] {
  const pieces = secrets.flatMap((s) => (s ? [s, s.trim(), ...s.split(/\s+/)] : []));
  const withEncoded = pieces.flatMap((p) => [p, encodeURIComponent(p)]);
  return [...new Set(withEncoded.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
}

/** Every known secret, and any bearer token, replaced by `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(BEARER, '$1***');
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/**
 * A text from outside, given to a chat model as data it may report, never as instructions it
 * should follow: inert, capped, and inside quotation marks that it cannot close itself.
 */
export function quotedForModel(value: unknown, options: DisplayOptions = {}): string {
  const text = displayText(value, { max: 500, ...options }).replace(/[«»]/g, '"');
  return `«${text}»`;
}

/** A text ending in exactly one full stop (or its own ! ? 。 ！ ？), to be followed by another sentence. */
export function asSentence(text: string): string {
  const trimmed = text.trim().replace(/\.+$/u, '');
  return /[!?！？…。]$/u.test(trimmed) ? trimmed : `${trimmed}.`;
}
