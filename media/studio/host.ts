/** The webview's side of the channel: typed posts, the webview state, and the host's messages validated. */
import { type HostMessage, hostMessageSchema } from '../../src/shared/hostMessages';
import type { WebviewMessage } from '../../src/shared/webviewMessages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

export function readState(): unknown {
  return api.getState();
}

export function writeState(state: unknown): void {
  api.setState(state);
}

export function onHostMessage(handler: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = hostMessageSchema.safeParse(event.data);
    if (!parsed.success) {
      console.warn('[studio] ignored an invalid message from the host', parsed.error.issues, event.data);
      return;
    }
    handler(parsed.data);
  });
}
