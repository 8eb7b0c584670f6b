/**
 * The Studio webview's entry point: says `ready`, then builds the panel from the host's `init`
 * (studio.ts) and hands it every later message. The webview talks to the host only through the
 * messages of src/shared (webviewMessages, hostMessages, studioRequests).
 */
import { onHostMessage, post } from './host';
import { Studio } from './studio';

const root = document.getElementById('studio');
if (root) {
  let studio: Studio | undefined;
  onHostMessage((message) => {
    if (message.type === 'init') {
      studio?.dispose();
      studio = new Studio(message, root);
      return;
    }
    studio?.receive(message);
  });
  post({ type: 'ready' });
}
