/**
 * zod validation at the boundary (docs/architecture.md §7) with one error shape: a failed parse becomes
 * 400 `{ error: { code: 'invalid_request', message } }` whose message names each bad field.
 * Malformed JSON never reaches here: hono's validator throws, and app.onError maps it to
 * 400 invalid_json. A body that is not JSON at all is a 415: hono's validator would read it as
 * `{}`, and a schema with defaults accepts `{}` (a `text/plain` POST, which any page may send,
 * minted a runner registration token that way). No body at all still means `{}`.
 */
import { zValidator } from '@hono/zod-validator';
import type { Context, ValidationTargets } from 'hono';
import type { z } from 'zod';
import { errorBody } from './errors.ts';

interface Issue { path: PropertyKey[]; message: string }

export function describeIssues(issues: readonly Issue[]): string {
  return issues.slice(0, 5).map((i) => {
    const field = i.path.map(String).join('.');
    return field ? `${field}: ${i.message}` : i.message;
  }).join('; ');
}

/** The media types hono's json validator parses (application/json, application/*+json). */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const NOT_JSON = 'request body must be JSON (Content-Type: application/json)';

const isJsonRequest = (c: Context): boolean =>
  JSON_MEDIA_TYPE.test((c.req.header('content-type') ?? '').split(';')[0]!.trim());

function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, async (result, c) => {
    if (target === 'json' && !isJsonRequest(c) && (await c.req.text()) !== '') {
      return c.json(errorBody('unsupported_media_type', NOT_JSON), 415);
    }
    if (result.success) return;
    const message = target === 'json' && !isJsonRequest(c) ? NOT_JSON : describeIssues(result.error.issues as readonly Issue[]);
    return c.json(errorBody('invalid_request', message), 400);
  });
}

export const jsonBody = <T extends z.ZodType>(schema: T) => validate('json', schema);
export const queryParams = <T extends z.ZodType>(schema: T) => validate('query', schema);
export const pathParams = <T extends z.ZodType>(schema: T) => validate('param', schema);
