/** Loads the task engine (taskEngine.ts) on first use: activation evaluates none of it. */
import { lazy } from './lazy';
import type * as TaskEngineModule from './taskEngine';

type TaskEngine = typeof TaskEngineModule;

export const loadEngine: () => Promise<TaskEngine> = lazy(() => import('./taskEngine.js'));
