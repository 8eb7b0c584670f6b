/**
 * The outer bounds of what a Studio message may carry. They only keep absurd payloads out of
 * both sides; the request schema of the core gives the real limits and the messages users see.
 */
import * as z from 'zod/mini';

export const shortText = z.string().check(z.maxLength(4096));
export const longText = z.string().check(z.maxLength(100_000));
/** A task's, a result's or a request's id. */
export const itemId = z.string().check(z.minLength(1), z.maxLength(200));
