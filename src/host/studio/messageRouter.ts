/**
 * The Studio's inbound side: every message from the webview is parsed with the protocol's
 * schema, an invalid one is logged and dropped, a valid one goes to the handler of its type.
 * A request is answered exactly once: by its handler's reply, or by `requestFailed` when the
 * handler fails or ends without one, so the webview's promise for it never hangs.
 * No `vscode` import, so it is tested in plain Node; the handlers are the controllers'.
 */
import {
  type Completion,
  type RequestFailure,
  type RequestMethod,
  type RequestTypeOf,
  type ResponseOf,
  type StudioRequest,
  requestIdentitySchema,
} from '../../shared/studioRequests';
import { type WebviewMessage, webviewMessageSchema } from '../../shared/webviewMessages';

type MessageOf<T extends WebviewMessage['type']> = Extract<WebviewMessage, { type: T }>;

/** Answers one request with its response; a second answer is ignored. */
export type Reply<M extends RequestMethod> = (response: ResponseOf<RequestTypeOf<M>>) => void;

type Handler<T extends WebviewMessage['type']> = T extends RequestMethod
  ? (message: MessageOf<T>, reply: Reply<T>) => Promise<void> | void
  : (message: MessageOf<T>) => Promise<void> | void;

/** One handler per message type; a request's handler also gets its reply. A handler that throws or rejects is reported by the router. */
export type WebviewHandlers = { [T in WebviewMessage['type']]: Handler<T> };

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
  /** Posts a request's reply or failure back to the webview that asked. */
  reply: (completion: Completion) => void;
}

/** The raw message as a log line: a webview can send anything, so the line is kept short. */
function rawText(raw: unknown): string {
  try {
    return JSON.stringify(raw).slice(0, 500);
  } catch {
    return String(raw);
  }
}

/** The one answer a request gets: the first reply, or a failure if there was none. */
class Answer {
  private answered = false;

  constructor(
    private readonly method: RequestMethod,
    private readonly requestId: string,
    private readonly post: (completion: Completion) => void,
  ) {}

  readonly reply = (response: ResponseOf<StudioRequest>): void => {
    if (this.answered) return;
    this.answered = true;
    this.post({ type: 'reply', method: this.method, requestId: this.requestId, result: response } as Completion);
  };

  /** Fails the request unless it was answered; true when this was its answer. */
  fail(reason: RequestFailure): boolean {
    if (this.answered) return false;
    this.answered = true;
    this.post({ type: 'requestFailed', method: this.method, requestId: this.requestId, reason });
    return true;
  }
}

/** Returns the function the panel gives `onDidReceiveMessage`; it settles when the handler has. */
export function createMessageRouter({
  handlers,
  log,
  reportFailure,
  reply,
}: MessageRouterDeps): (raw: unknown) => Promise<void> {
  const dispatch = async (message: WebviewMessage, answer: Answer | undefined): Promise<void> => {
    switch (message.type) {
      case 'ready':
        return handlers.ready(message);
      case 'generate':
        return handlers.generate(message, answer!.reply);
      case 'taskAction':
        return handlers.taskAction(message);
      case 'inspect':
        return handlers.inspect(message, answer!.reply);
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
      case 'saveStyle':
        return handlers.saveStyle(message);
      case 'recrop':
        return handlers.recrop(message, answer!.reply);
      default: {
        const unexpected: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unexpected)}`);
      }
    }
  };

  /** The answer a message is owed: only requests are, even when the rest of them is invalid. */
  const answerFor = (raw: unknown): Answer | undefined => {
    const identity = requestIdentitySchema.safeParse(raw);
    return identity.success ? new Answer(identity.data.type, identity.data.requestId, reply) : undefined;
  };

  return async (raw: unknown) => {
    const parsed = webviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn(
        'studio',
        `ignored an invalid message from the webview: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')} ${rawText(raw)}`,
      );
      answerFor(raw)?.fail('invalid');
      return;
    }
    const message = parsed.data;
    const answer = answerFor(message);
    log.trace('studio', `webview: ${message.type}`);
    try {
      await dispatch(message, answer);
      if (answer?.fail('unanswered')) log.error('studio', `${message.type} ended without an answer`);
    } catch (error) {
      log.error(
        'studio',
        `${message.type} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      answer?.fail('failed');
      reportFailure();
    }
  };
}
