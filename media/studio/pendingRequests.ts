/**
 * The webview's requests to the host, each a promise keyed by its id: the host's reply with the
 * same id resolves it, its `requestFailed` rejects it, and disposing the panel rejects whatever is
 * still pending. No timers: the host answers every request it can read (src/host/studio/messageRouter.ts).
 * No DOM here, so it is tested in plain Node.
 */
import type {
  Completion,
  ParamsOf,
  RequestFailure,
  RequestMethod,
  ResponseOf,
  StudioRequest,
} from '../../src/shared/studioRequests';
import type { WebviewMessage } from '../../src/shared/webviewMessages';

/** Why a request was rejected: the host could not answer it, or its panel went away first. */
export class RequestRejected extends Error {
  constructor(
    readonly method: RequestMethod,
    readonly reason: RequestFailure | 'disposed',
  ) {
    super(`${method} request ${reason}`);
    this.name = 'RequestRejected';
  }
}

/** A request on its way: its id (a later `generateDone` names it) and the host's answer. */
export interface SentRequest<T extends StudioRequest> {
  readonly requestId: string;
  readonly answer: Promise<ResponseOf<T>>;
}

interface Pending {
  method: RequestMethod;
  resolve(result: unknown): void;
  reject(error: RequestRejected): void;
}

/** A prefix no earlier page of the panel used: a late reply to one of its requests is not taken for one of ours. */
function pageId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(6));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class PendingRequests {
  private readonly pending = new Map<string, Pending>();
  private sequence = 0;
  private disposed = false;

  constructor(
    private readonly send: (message: WebviewMessage) => void,
    private readonly prefix = pageId(),
  ) {}

  /** Posts the request; its answer settles with the host's reply to it. */
  request<T extends StudioRequest>(type: T, params: ParamsOf<T>): SentRequest<T> {
    const method: RequestMethod = type.method;
    this.sequence += 1;
    const requestId = `${this.prefix}-${method}-${this.sequence}`;
    if (this.disposed) return { requestId, answer: Promise.reject(new RequestRejected(method, 'disposed')) };
    const answer = new Promise<ResponseOf<T>>((resolve, reject) => {
      this.pending.set(requestId, { method, resolve: resolve, reject });
    });
    try {
      // Params of this request type, its method and an id: a request message of the protocol by construction.
      this.send({ ...params, type: method, requestId } as unknown as WebviewMessage);
    } catch (error) {
      this.pending.delete(requestId);
      throw error;
    }
    return { requestId, answer };
  }

  /** Settles the request the completion names; one this page is not waiting for is ignored. */
  complete(completion: Completion): void {
    const pending = this.pending.get(completion.requestId);
    if (!pending || pending.method !== completion.method) return;
    this.pending.delete(completion.requestId);
    switch (completion.type) {
      case 'reply':
        pending.resolve(completion.result);
        return;
      case 'requestFailed':
        pending.reject(new RequestRejected(completion.method, completion.reason));
        return;
      default: {
        const unexpected: never = completion;
        console.warn('[studio] unhandled completion', unexpected);
      }
    }
  }

  /** Requests still waiting for the host. */
  get size(): number {
    return this.pending.size;
  }

  /** The panel is going away: what is pending is rejected, and so is every later request. */
  dispose(): void {
    this.disposed = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const entry of pending) entry.reject(new RequestRejected(entry.method, 'disposed'));
  }
}
