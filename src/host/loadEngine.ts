/** Loads the task engine (taskEngine.ts) on first use: activation evaluates none of it. */
import type * as TaskEngineModule from './taskEngine';

type TaskEngine = typeof TaskEngineModule;
let engine: Promise<TaskEngine> | undefined;

export function loadEngine(): Promise<TaskEngine> {
  return (engine ??= import('./taskEngine.js'));
}
