/** The Studio controllers' port to the panel shell: one way to post, and the webview while a panel is open. */
import type * as vscode from 'vscode';
import type { HostMessage } from '../../shared/hostMessages';

export interface StudioPort {
  /** Posts now, or after `ready` when the webview is not listening yet (see StudioPanel.post). */
  post(message: HostMessage): void;
  /** The open panel's webview (thumbnails are its resource URIs); undefined while no panel is open. */
  webview(): vscode.Webview | undefined;
  /** The webview has said `ready` and received `init`. */
  isReady(): boolean;
}
