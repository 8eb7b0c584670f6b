/** Loads the task engine (deferredCore.ts) on first use: activation evaluates none of it. */
import { lazy } from './lazy';
import type * as TaskEngineModule from './deferredCore';

type TaskEngine = typeof TaskEngineModule;

export const loadEngine: () => Promise<TaskEngine> = lazy(() => import('./deferredCore.js'));
