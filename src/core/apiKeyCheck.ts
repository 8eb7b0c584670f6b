/**
 * What makes an API key unusable, checked where a key is entered (input box, command
 * argument, settings) and again before it is sent. It travels in an HTTP header, so it must
 * be printable ASCII without spaces; a CR/LF in it would also end up, unredacted, in the error
 * the header API throws. The messages never contain the key.
 */
export type ApiKeyProblem = 'empty' | 'control' | 'space' | 'nonAscii';

export const API_KEY_PROBLEMS: Record<ApiKeyProblem, { template: string }> = {
  empty: { template: 'The API key is empty.' },
  control: { template: 'The API key contains a line break or another control character, so it cannot be sent.' },
  space: { template: 'The API key contains a space, so it cannot be sent.' },
  nonAscii: { template: 'The API key contains a character outside printable ASCII, so it cannot be sent.' },
};

export function apiKeyProblem(key: string): ApiKeyProblem | undefined {
  if (!key) return 'empty';
  // eslint-disable-next-line no-control-regex -- control characters are what this check refuses
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'control';
  if (/\s/.test(key)) return 'space';
  if (/[^\u0021-\u007e]/.test(key)) return 'nonAscii';
  return undefined;
}
