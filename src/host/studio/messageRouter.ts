/**
 * The Studio's inbound side: every message from the webview is parsed with the protocol's
 * schema, an invalid one is logged and dropped, a valid one goes to the handler of its type.
 * No `vscode` import, so it is tested in plain Node; the handlers are the controllers'.
 */
import { type WebviewMessage, webviewMessageSchema } from '../../shared/protocol';

type MessageOf<T extends WebviewMessage['type']> = Extract<WebviewMessage, { type: T }>;

/** One handler per message type; a handler that throws or rejects is reported by the router. */
export type WebviewHandlers = { [T in WebviewMessage['type']]: (message: MessageOf<T>) => Promise<void> | void };

/** The log lines the router writes (`Log` of the host; a recorder in tests). */
export interface RouterLog {
  trace(component: string, message: string): void;
  warn(component: string, message: string): void;
  error(component: string, message: string): void;
}

export interface MessageRouterDeps {
  handlers: WebviewHandlers;
  log: RouterLog;
  /** Tells the user once that a handler failed (the details are in the log). */
  reportFailure: () => void;
}

/** The raw message as a log line: a webview can send anything, so the line is kept short. */
function rawText(raw: unknown): string {
  try {
    return JSON.stringify(raw).slice(0, 500);
  } catch {
    return String(raw);
  }
}

/** Returns the function the panel gives `onDidReceiveMessage`; it settles when the handler has. */
export function createMessageRouter({ handlers, log, reportFailure }: MessageRouterDeps): (raw: unknown) => Promise<void> {
  const dispatch = async (message: WebviewMessage): Promise<void> => {
    switch (message.type) {
      case 'ready':
        return handlers.ready(message);
      case 'generate':
        return handlers.generate(message);
      case 'taskAction':
        return handlers.taskAction(message);
      case 'inspect':
        return handlers.inspect(message);
      case 'listImages':
        return handlers.listImages(message);
      case 'browse':
        return handlers.browse(message);
      case 'galleryAction':
        return handlers.galleryAction(message);
      case 'refreshGallery':
        return handlers.refreshGallery(message);
      case 'references':
        return handlers.references(message);
      case 'runCommand':
        return handlers.runCommand(message);
      case 'formShown':
        return handlers.formShown(message);
      default: {
        const unexpected: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unexpected)}`);
      }
    }
  };

  return async (raw: unknown) => {
    const parsed = webviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn('studio', `ignored an invalid message from the webview: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} ${rawText(raw)}`);
      return;
    }
    const message = parsed.data;
    log.trace('studio', `webview: ${message.type}`);
    try {
      await dispatch(message);
    } catch (error) {
      log.error('studio', `${message.type} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      reportFailure();
    }
  };
}
