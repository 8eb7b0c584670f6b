/**
 * The collector's sleeps, between looks and between landing tries. "Collect now", discard and
 * stop end them early, so a user's request is acted on at once instead of after the delay.
 */
export class WakeableSleep {
  private readonly wakers = new Set<() => void>();

  /** Ends every sleep in progress now, as if its time had come. */
  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** Resolves after `ms` or when woken; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout>;
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        reject(signal!.reason);
      };
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      timer = setTimeout(done, ms);
      this.wakers.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
