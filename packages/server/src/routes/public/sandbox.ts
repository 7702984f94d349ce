import { publicRoutes as P } from '@dodo-portal/wire/routes';
import { BillingErrorCode, type CardTokenCreated } from '@dodo-portal/wire/schemas';
import { DomainError, rateLimited } from '../../domain/errors.ts';
import { clientIp } from '../../http/client-ip.ts';
import type { BaseEnv } from '../../http/env.ts';
import { PaymentDeclinedError } from '../../payments/processor.ts';
import { bodyOf, contractRoutes } from '../contract-routes.ts';
import type { AppContext, RateRule } from '../../runtime.ts';

/** Tokenization needs no secret, so it is limited per client IP (card-testing bots). */
export const SANDBOX_TOKENS_PER_IP: RateRule = { name: 'sandbox-tokens:ip', limit: 60, windowMs: 15 * 60_000 };

const FIELD_OF_DECLINE: Record<string, string> = {
  invalid_number: 'number',
  card_not_supported: 'number',
  invalid_expiry_month: 'exp_month',
  invalid_expiry_year: 'exp_year',
  expired_card: 'exp_year',
  invalid_cvc: 'cvc',
};

/**
 * `/sandbox/v1/tokens`: the test-mode processor's client-side tokenization. No secret: a browser
 * sends the card here and gets a token to hand to the merchant. The number and CVC go to the
 * processor's `tokenize` and nowhere else (never stored, never logged). Refused cards are 400
 * `invalid_card` with a `decline_code` and the field at fault. Over SANDBOX_TOKENS_PER_IP: 429.
 */
export const sandboxRoutes = (app: AppContext) =>
  contractRoutes<BaseEnv>('/sandbox/v1').on(P.createCardToken, async (c) => {
    const decision = await app.rateLimiter.hit(SANDBOX_TOKENS_PER_IP, clientIp(c, app.trustProxy));
    if (!decision.allowed) throw rateLimited(`Too many card tokens. Try again in ${decision.retryAfterSeconds} seconds.`, decision.retryAfterSeconds);
    const body = await bodyOf(c, P.createCardToken);
    try {
      const card = await app.paymentProcessor.tokenize({ number: body.number, exp_month: body.exp_month, exp_year: body.exp_year, cvc: body.cvc });
      const created: CardTokenCreated = { card_token: card.token, brand: card.brand, last4: card.last4, exp_month: card.exp_month, exp_year: card.exp_year };
      return c.json(created, 201);
    } catch (error) {
      if (error instanceof PaymentDeclinedError) {
        const path = FIELD_OF_DECLINE[error.declineCode] ?? 'number';
        throw new DomainError(BillingErrorCode.invalidCard, error.message, { declineCode: error.declineCode, issues: [{ path, message: error.message }] });
      }
      throw error;
    }
  }).app;
