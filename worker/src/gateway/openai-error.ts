/**
 * Gateway refusals in OpenAI's error format, so SDKs and CLIs surface them as they would an
 * OpenAI error (`{ error: { message, type, code } }`) instead of a parse failure.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class GatewayError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(message);
    this.name = 'GatewayError';
    this.status = status;
    this.code = code;
  }
}

export function openAiErrorResponse(status: number, code: string, message: string): Response {
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  return Response.json({ error: { message, type, code } }, { status });
}
