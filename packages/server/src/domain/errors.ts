import { BillingErrorCode, ErrorCode, PortalErrorCode, type ErrorBody, type ErrorDetails } from '@dodo-portal/wire/schemas';

export interface Issue {
  path: string;
  message: string;
}

type ValueOf<T> = T[keyof T];
/** Every error code a client can see (the wire's three lists): a typo in a throw does not compile. */
export type Code = ValueOf<typeof ErrorCode> | ValueOf<typeof BillingErrorCode> | ValueOf<typeof PortalErrorCode>;
/** The wire's error object with a code of ours. */
export type WireError = ErrorBody['error'] & { code: Code };

/**
 * A failure the caller can act on, named by its stable code. The domain, the services and the
 * store throw these; the HTTP layer alone knows which status each code answers with (the table
 * in http/errors.ts) and turns them into the one error shape. Anything else that escapes is a bug
 * and becomes `internal_error`.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: Code,
    message: string,
    readonly extra: { issues?: Issue[]; declineCode?: string; loginUrl?: string; retryAfterSeconds?: number; details?: ErrorDetails } = {},
  ) {
    super(message);
  }
}

export const invalidRequest = (message: string, issues?: Issue[]) => new DomainError(ErrorCode.invalidRequest, message, issues ? { issues } : {});
export const notFound = (message: string) => new DomainError(ErrorCode.notFound, message);
export const unauthorized = (message: string) => new DomainError(ErrorCode.unauthorized, message);
export const sessionExpired = (message: string, loginUrl?: string) => new DomainError(ErrorCode.sessionExpired, message, loginUrl ? { loginUrl } : {});
export const rateLimited = (message: string, retryAfterSeconds: number) => new DomainError(ErrorCode.rateLimited, message, { retryAfterSeconds });
