// What the audit log must never hold: secrets (tokens, client secrets, keys) and card data. Arguments
// are copied with such keys and such values replaced, whatever the operation.
const SECRET_KEY = /secret|token|password|passphrase|card|cvc|cvv|iban|authorization/i;
/** Stripe API keys, webhook secrets and intents' client secrets. */
const SECRET_VALUE = /^(sk|rk|pk)_(test|live)_|^whsec_|_secret_/;

export const REDACTED = '[redacted]';

export function redactArguments(value: unknown, key = ''): unknown {
  if (key && SECRET_KEY.test(key)) return REDACTED;
  if (typeof value === 'string') return SECRET_VALUE.test(value) || looksLikeCardNumber(value) ? REDACTED : value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redactArguments(item));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactArguments(v, k)]));
  }
  return value;
}

/** 13 to 19 digits (spaces or dashes allowed) passing the Luhn check; ids and amounts stay readable. */
function looksLikeCardNumber(value: string): boolean {
  if (!/^\d[\d -]{11,24}\d$/.test(value)) return false;
  const digits = value.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}
