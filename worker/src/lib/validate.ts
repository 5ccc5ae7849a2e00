/**
 * zod validation at the boundary (DESIGN §7) with one error shape: a failed parse becomes
 * 400 `{ error: { code: 'invalid_request', message } }` whose message names each bad field.
 * Malformed JSON never reaches here: hono's validator throws, and app.onError maps it to
 * 400 invalid_json.
 */
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { errorBody } from './errors.ts';

interface Issue { path: PropertyKey[]; message: string }

export function describeIssues(issues: readonly Issue[]): string {
  return issues.slice(0, 5).map((i) => {
    const field = i.path.map(String).join('.');
    return field ? `${field}: ${i.message}` : i.message;
  }).join('; ');
}

function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return;
    const isJson = /json/i.test(c.req.header('content-type') ?? '');
    const message = target === 'json' && !isJson
      ? 'request body must be JSON (Content-Type: application/json)'
      : describeIssues(result.error.issues as readonly Issue[]);
    return c.json(errorBody('invalid_request', message), 400);
  });
}

export const jsonBody = <T extends z.ZodType>(schema: T) => validate('json', schema);
export const queryParams = <T extends z.ZodType>(schema: T) => validate('query', schema);
export const pathParams = <T extends z.ZodType>(schema: T) => validate('param', schema);
