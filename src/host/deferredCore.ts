/**
 * The parts of the core a generation needs (HTTP client, polling, the task journal and
 * collector, request schema with zod, downloads). Imported on first use, so activating the
 * extension evaluates none of it: a window that never generates never pays for it.
 */
export { TaskCollector } from '../core/collector';
export { DurationBook } from '../core/durationBook';
export { GatewayClient } from '../core/gateway';
export { TaskJournal, importLegacyStore, transact } from '../core/journal';
export { landingDir, removeTempFiles } from '../core/landing';
export { dataUrlStrategy, fileToDataUrl, restoreInlineImages, withoutInlineImages } from '../core/references';
export { buildRequestBody } from '../core/request';
export { applyFinish } from '../core/finishRequest';
