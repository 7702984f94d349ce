/** The one error shape of the whole server, `{"error":{"code","message"}}`, and where it is made. */
import { ErrorCode, type ErrorBody } from '@dodo-portal/wire/schemas';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError } from '../domain/errors.ts';
import { PaymentDeclinedError } from '../payments/processor.ts';
import { isStorageFailure, StorageUnavailableError } from '../store/index.ts';
import type { BaseEnv } from './env.ts';
import type { Logger } from '../runtime.ts';

export function errorJson(c: Context, status: ContentfulStatusCode, error: ErrorBody['error'], headers: Record<string, string> = {}): Response {
  const body: ErrorBody = { error };
  return c.json(body, status, { 'cache-control': 'no-store', ...headers });
}

const codeForStatus = (status: number): string =>
  ({
    400: ErrorCode.invalidRequest,
    401: ErrorCode.unauthorized,
    404: ErrorCode.notFound,
    405: ErrorCode.methodNotAllowed,
    413: ErrorCode.payloadTooLarge,
    415: ErrorCode.unsupportedMediaType,
    429: ErrorCode.rateLimited,
  })[status] ?? ErrorCode.internal;

export function createErrorHandler(logger: Logger): ErrorHandler<BaseEnv> {
  return (error, c) => {
    if (error instanceof DomainError) {
      const { retryAfterSeconds } = error.extra;
      return errorJson(
        c,
        error.status,
        {
          code: error.code,
          message: error.message,
          ...(error.extra.issues ? { issues: error.extra.issues } : {}),
          ...(error.extra.declineCode ? { decline_code: error.extra.declineCode } : {}),
          ...(error.extra.loginUrl ? { login_url: error.extra.loginUrl } : {}),
          ...(error.extra.details ? { details: error.extra.details } : {}),
        },
        retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {},
      );
    }
    if (error instanceof PaymentDeclinedError) {
      return errorJson(c, 402, { code: ErrorCode.paymentFailed, message: error.message, decline_code: error.declineCode });
    }
    if (error instanceof HTTPException && error.status < 500) {
      return errorJson(c, error.status as ContentfulStatusCode, { code: codeForStatus(error.status), message: error.message || 'Request refused.' });
    }
    const requestId = c.get('requestId');
    if (isStorageFailure(error)) {
      // Not a bug in the request: the disk or the database failed. Logged whole for the operator.
      logger.error('storage unavailable', { requestId, method: c.req.method, path: c.req.path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      return errorJson(c, 503, { code: ErrorCode.storageUnavailable, message: error instanceof StorageUnavailableError ? `${error.message} (request id ${requestId ?? 'unknown'})` : `The database is unavailable right now. Try again later (request id ${requestId ?? 'unknown'}).` });
    }
    // Anything else is a bug: log it whole, answer without internals.
    logger.error('unhandled error', { requestId, method: c.req.method, path: c.req.path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    return errorJson(c, 500, { code: ErrorCode.internal, message: `Something went wrong on our side. Quote request id ${requestId ?? 'unknown'} when reporting it.` });
  };
}

export const notFoundHandler: NotFoundHandler<BaseEnv> = (c) =>
  errorJson(c, 404, { code: ErrorCode.notFound, message: `No route ${c.req.method} ${c.req.path}.` });

export const methodNotAllowedResponse = (c: Context, allowed: string[]) =>
  errorJson(c, 405, { code: ErrorCode.methodNotAllowed, message: `${c.req.method} is not allowed here; use ${allowed.join(', ')}.` }, { allow: allowed.join(', ') });
