/**
 * Gateway refusals in each provider's own error format, so SDKs and CLIs surface them as they
 * would the provider's own error instead of failing to parse:
 * OpenAI `{ error: { message, type, code } }`, Anthropic `{ type: 'error', error: { type, message } }`,
 * Google `{ error: { code, message, status } }`.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError } from '../lib/errors.ts';
import type { Family } from './families.ts';

/**
 * A gateway refusal: the gateway answers it in the provider's format; anywhere else (the runner's
 * git-credential route shares the run-token check) it is an HttpError like any other.
 */
export class GatewayError extends HttpError {
  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(status, code, message);
    this.name = 'GatewayError';
  }
}

/** Codes whose OpenAI `type` is not derived from the status. */
const OPENAI_TYPES: Record<string, string> = { budget_exceeded: 'insufficient_quota' };

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error',
};

const GOOGLE_STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 502: 'UNAVAILABLE', 503: 'UNAVAILABLE',
};

export function refusalBody(family: Family, status: number, code: string, message: string): unknown {
  if (family === 'anthropic') {
    return { type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message } };
  }
  if (family === 'google') {
    return { error: { code: status, message, status: GOOGLE_STATUSES[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION') } };
  }
  const type = OPENAI_TYPES[code] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  return { error: { message, type, code } };
}

export function refusal(family: Family, err: GatewayError): Response {
  // SDKs built by Stainless (openai, @anthropic-ai/sdk) honour x-should-retry: a refusal is final.
  return Response.json(refusalBody(family, err.status, err.code, err.message), {
    status: err.status,
    headers: err.status < 500 ? { 'x-should-retry': 'false' } : {},
  });
}

/** Budget refusal status per family: OpenAI's out-of-credit 429, Anthropic's 402 billing_error, Google's 429. */
export const BUDGET_STATUS: Record<Family, ContentfulStatusCode> = { openai: 429, anthropic: 402, google: 429 };
