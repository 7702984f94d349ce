import { ErrorCode, type ErrorDetails } from '@dodo-portal/wire/schemas';

export interface Issue {
  path: string;
  message: string;
}

/**
 * A failure the caller can act on, with the HTTP status and stable code it maps to. The domain
 * and the store throw these; the HTTP layer turns them into the one error shape. Anything else
 * that escapes is a bug and becomes `internal_error`.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 402 | 422 | 429 | 502 | 503,
    readonly code: string,
    message: string,
    readonly extra: { issues?: Issue[]; declineCode?: string; loginUrl?: string; retryAfterSeconds?: number; details?: ErrorDetails } = {},
  ) {
    super(message);
  }
}

export const invalidRequest = (message: string, issues?: Issue[]) =>
  new DomainError(400, ErrorCode.invalidRequest, message, issues ? { issues } : {});
export const notFound = (message: string) => new DomainError(404, ErrorCode.notFound, message);
export const unauthorized = (message: string) => new DomainError(401, ErrorCode.unauthorized, message);
export const sessionExpired = (message: string, loginUrl?: string) =>
  new DomainError(401, ErrorCode.sessionExpired, message, loginUrl ? { loginUrl } : {});
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new DomainError(429, ErrorCode.rateLimited, message, { retryAfterSeconds });
