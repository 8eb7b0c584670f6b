/** Loads the task engine (taskEngine.ts) on first use: activation evaluates none of it. */
type TaskEngine = typeof import('./taskEngine');
let engine: Promise<TaskEngine> | undefined;

export function loadEngine(): Promise<TaskEngine> {
  return (engine ??= import('./taskEngine.js'));
}
