/**
 * Where each task this window knows of is: collected here (with its collector), held by another
 * window, or only read from the journal — one entry per task, so a task cannot be in two places
 * at once or keep a flag of a place it has left.
 */
import type { TaskRecord } from '../core/lifecycle';

export interface TaskPlace<C> {
  record: TaskRecord;
  /** This window collects it. */
  collector?: C;
  /** Another window holds its lease. */
  elsewhere?: boolean;
  /** Why this window does not collect it (no key, another gateway), in the user's words. */
  note?: string;
}

export class TaskBoard<C extends { readonly record: TaskRecord }> {
  private places = new Map<string, TaskPlace<C>>();
  private readonly asked = new Set<string>();

  place(id: string): TaskPlace<C> | undefined {
    return this.places.get(id);
  }

  collector(id: string): C | undefined {
    return this.places.get(id)?.collector;
  }

  collectors(): C[] {
    return [...this.places.values()].flatMap((p) => (p.collector ? [p.collector] : []));
  }

  isElsewhere(id: string): boolean {
    return this.places.get(id)?.elsewhere === true;
  }

  /** Every record: a collected task's live record, the journal's for the rest. */
  records(): TaskRecord[] {
    return [...this.places.values()].map((p) => p.collector?.record ?? p.record);
  }

  /** This window starts collecting the task. */
  collect(collector: C): void {
    this.places.set(collector.record.id, { record: collector.record, collector });
  }

  /** This window stopped collecting it; it stays listed as it ended up. */
  release(record: TaskRecord): void {
    this.places.set(record.id, { record });
  }

  /** A scan's findings replace what was read before; tasks collected here stay as they are. */
  replaceFound(found: readonly TaskPlace<C>[]): void {
    const next = new Map<string, TaskPlace<C>>();
    for (const [id, place] of this.places) if (place.collector) next.set(id, place);
    for (const place of found) if (!next.has(place.record.id)) next.set(place.record.id, place);
    this.places = next;
  }

  /** Resolves when none of these tasks is collected here any more (checked whenever `changes` fires). */
  whenNoneCollected(ids: readonly string[], changes: (listener: () => void) => { dispose(): void }): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (ids.some((id) => this.collector(id))) return;
        subscription?.dispose();
        resolve();
      };
      const subscription: { dispose(): void } | undefined = changes(check);
      check();
    });
  }

  /** True the first time a task waiting for the user's decision is found: it is asked about once per window. */
  firstAsk(id: string): boolean {
    if (this.asked.has(id)) return false;
    this.asked.add(id);
    return true;
  }
}
