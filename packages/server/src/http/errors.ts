/**
 * The one error shape of the whole server, `{"error":{"code","message"}}`, where it is made, and
 * the one table of which HTTP status each error code answers with. Below this layer errors are
 * codes only (domain/errors.ts).
 */
import { BillingErrorCode, ErrorCode, PortalErrorCode, type ErrorBody } from '@dodo-portal/wire/schemas';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type Code, type WireError } from '../domain/errors.ts';
import { PaymentDeclinedError } from '../payments/processor.ts';
import type { Logger, StoredAnswer } from '../runtime.ts';
import { isStorageFailure, StorageUnavailableError } from '../store/index.ts';
import type { BaseEnv } from './env.ts';

/**
 * Code → HTTP status, for every code a client can see (keyed by the `Code` union, so a new code
 * without a status does not compile). Stable: a client may branch on either.
 */
export const STATUS_OF_CODE = {
  [ErrorCode.invalidRequest]: 400,
  [ErrorCode.unauthorized]: 401,
  [ErrorCode.sessionExpired]: 401,
  [ErrorCode.notFound]: 404,
  [ErrorCode.methodNotAllowed]: 405,
  [ErrorCode.conflict]: 409,
  [ErrorCode.customerExists]: 409,
  [ErrorCode.paymentFailed]: 402,
  [ErrorCode.payloadTooLarge]: 413,
  [ErrorCode.unsupportedMediaType]: 415,
  [ErrorCode.rateLimited]: 429,
  [ErrorCode.internal]: 500,
  [ErrorCode.cdnNotBuilt]: 503,
  [ErrorCode.emailNotConfigured]: 503,
  [ErrorCode.storageUnavailable]: 503,
  [ErrorCode.shuttingDown]: 503,
  [ErrorCode.emailFailed]: 502,
  [ErrorCode.magicLinkUsed]: 410,
  [ErrorCode.magicLinkExpired]: 410,

  [BillingErrorCode.idempotencyKeyReused]: 409,
  [BillingErrorCode.idempotencyKeyInProgress]: 409,
  [BillingErrorCode.idempotentRequestInterrupted]: 409,
  [BillingErrorCode.processorNotConfigured]: 503,
  [BillingErrorCode.invalidCard]: 400,
  [BillingErrorCode.testModeOnly]: 403,
  [BillingErrorCode.testClockAdvanceTooFar]: 400,
  [BillingErrorCode.refundExceedsPayment]: 409,
  [BillingErrorCode.refundFailed]: 502,

  [PortalErrorCode.cancellationDisabled]: 403,
  [PortalErrorCode.subscriptionUpdatesDisabled]: 403,
  [PortalErrorCode.noChange]: 409,
  [PortalErrorCode.productNotInCollection]: 422,
  [PortalErrorCode.productNotRecurring]: 422,
  [PortalErrorCode.subscriptionOnHold]: 409,
  [PortalErrorCode.subscriptionEnded]: 409,
  [PortalErrorCode.notScheduledToCancel]: 409,
  [PortalErrorCode.paymentMethodInUse]: 409,
  [PortalErrorCode.chargeInProgress]: 409,
  [PortalErrorCode.invoiceNotOpen]: 409,
  [PortalErrorCode.keyDeactivationDisabled]: 403,
  [PortalErrorCode.activationLimitReached]: 422,
  [PortalErrorCode.licenseKeyInactive]: 422,
} as const satisfies Record<Code, ContentfulStatusCode>;

export function errorJson(c: Context, error: WireError, headers: Record<string, string> = {}): Response {
  const body: ErrorBody = { error };
  return c.json(body, STATUS_OF_CODE[error.code], { 'cache-control': 'no-store', ...headers });
}

/** An error as the stored answer of an Idempotency-Key (replayed as is by http/idempotency.ts). */
export const errorAnswer = (error: WireError): StoredAnswer => {
  const body: ErrorBody = { error };
  return { status: STATUS_OF_CODE[error.code], body: JSON.stringify(body) };
};

/**
 * The other direction, only for the `HTTPException`s Hono throws itself (e.g. a malformed JSON
 * body is its 400): their status is given, the code follows from it. A status not listed here
 * keeps its status with `internal_error`, as before.
 */
const codeOfHonoStatus = (status: number): Code =>
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
      return errorJson(c, { code: ErrorCode.paymentFailed, message: error.message, decline_code: error.declineCode });
    }
    if (error instanceof HTTPException && error.status < 500) {
      const body: ErrorBody = { error: { code: codeOfHonoStatus(error.status), message: error.message || 'Request refused.' } };
      return c.json(body, error.status as ContentfulStatusCode, { 'cache-control': 'no-store' });
    }
    const requestId = c.get('requestId');
    if (isStorageFailure(error)) {
      // Not a bug in the request: the disk or the database failed. Logged whole for the operator.
      logger.error('storage unavailable', { requestId, method: c.req.method, path: c.req.path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      return errorJson(c, {
        code: ErrorCode.storageUnavailable,
        message:
          error instanceof StorageUnavailableError
            ? `${error.message} (request id ${requestId ?? 'unknown'})`
            : `The database is unavailable right now. Try again later (request id ${requestId ?? 'unknown'}).`,
      });
    }
    // Anything else is a bug: log it whole, answer without internals.
    logger.error('unhandled error', { requestId, method: c.req.method, path: c.req.path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    return errorJson(c, { code: ErrorCode.internal, message: `Something went wrong on our side. Quote request id ${requestId ?? 'unknown'} when reporting it.` });
  };
}

export const notFoundHandler: NotFoundHandler<BaseEnv> = (c) => errorJson(c, { code: ErrorCode.notFound, message: `No route ${c.req.method} ${c.req.path}.` });

export const methodNotAllowedResponse = (c: Context, allowed: string[]) =>
  errorJson(c, { code: ErrorCode.methodNotAllowed, message: `${c.req.method} is not allowed here; use ${allowed.join(', ')}.` }, { allow: allowed.join(', ') });
