/** An error answered in Stripe's shape: `{ error: { type, code, decline_code, message, param } }`. */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  payment_intent?: unknown;
  setup_intent?: unknown;
  payment_method?: unknown;
  doc_url?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

/** Error codes Stripe documents at https://docs.stripe.com/error-codes that the emulator answers with. */
const DOCUMENTED_CODES = new Set([
  'amount_too_large',
  'amount_too_small',
  'authentication_required',
  'card_declined',
  'charge_already_refunded',
  'email_invalid',
  'idempotency_key_in_use',
  'invoice_not_editable',
  'invoice_payment_intent_requires_action',
  'parameter_missing',
  'parameter_unknown',
  'payment_intent_authentication_failure',
  'payment_intent_unexpected_state',
  'payment_method_unexpected_state',
  'resource_missing',
  'setup_intent_authentication_failure',
  'setup_intent_unexpected_state',
]);

/** Stripe links each documented error code to its page (`doc_url`), as it does in every such error. */
export function withDocUrl(body: StripeErrorBody): StripeErrorBody {
  if (!body.code || body.doc_url || !DOCUMENTED_CODES.has(body.code)) return body;
  return { ...body, doc_url: `https://stripe.com/docs/error-codes/${body.code.replace(/_/g, '-')}` };
}

export function resourceMissing(kind: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    param,
    doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
  });
}

export function parameterMissing(param: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    message: `Missing required param: ${param}.`,
    param,
  });
}

export function parameterInvalid(param: string, message: string): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', code: 'parameter_invalid', message, param });
}

export function invalidRequest(message: string, code?: string, param?: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    message,
    ...(code ? { code } : {}),
    ...(param ? { param } : {}),
  });
}
