/**
 * The one way a host object owns what it must release: `register` stores a disposable and
 * returns it (disposing it at once if the owner is already gone), and `dispose` releases them in
 * reverse order, once, a failing one not stopping the rest.
 */
import type * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private released = false;

  protected get isDisposed(): boolean {
    return this.released;
  }

  protected register<T extends vscode.Disposable>(disposable: T): T {
    if (this.released) disposable.dispose();
    else this.owned.push(disposable);
    return disposable;
  }

  dispose(): void {
    if (this.released) return;
    this.released = true;
    for (const disposable of this.owned.splice(0).reverse()) {
      try {
        disposable.dispose();
      } catch {
        // One failing release must not keep the others (listeners, watchers, timers) alive.
      }
    }
  }
}
