/**
 * The parts of the core a generation needs (HTTP client, polling, request schema with zod,
 * downloads). `TaskRunner` imports this module on first use, so activating the extension
 * evaluates none of it: a window that never generates never pays for it.
 */
export { GatewayClient } from '../core/gateway';
export { pollUntilDone } from '../core/poll';
export { dataUrlStrategy, isOmittedInlineImage, withoutInlineImages } from '../core/references';
export { buildRequestBody } from '../core/request';
export { saveResult } from '../core/saveResult';
export { failureToError } from '../core/taskState';
