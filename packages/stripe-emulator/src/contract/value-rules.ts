import type { FormObject, FormValue } from '../http/form-body.ts';
import { invalidRequest, parameterInvalid } from '../stripe-error.ts';

/** Stripe's documented metadata limits (https://docs.stripe.com/api/metadata). */
const METADATA_MAX_KEYS = 50;
const METADATA_MAX_KEY_LENGTH = 40;
const METADATA_MAX_VALUE_LENGTH = 500;
export const MAX_EXPAND_DEPTH = 4;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency').map((code) => code.toLowerCase()));
const NON_NEGATIVE_INTEGERS = new Set(['unit_amount', 'quantity', 'trial_period_days', 'interval_count']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Stripe's value rules that hold wherever the parameter appears: metadata limits, ISO currencies, integer
 * amounts and quantities, e-mail addresses, and `expand[]` depth.
 */
export function checkValues(form: FormObject): void {
  for (const path of stringList(form['expand'])) {
    if (path.split('.').length > MAX_EXPAND_DEPTH) {
      throw invalidRequest(
        `You cannot expand more than ${MAX_EXPAND_DEPTH} levels of a property. Property: ${path}`,
        'parameter_invalid',
        'expand',
      );
    }
  }
  visit(form, '');
}

function visit(value: FormObject, prefix: string): void {
  for (const key of Object.keys(value)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    const entry = value[key] as FormValue;
    if (key === 'metadata' && typeof entry === 'object' && !Array.isArray(entry)) checkMetadata(entry, name);
    else if (typeof entry === 'string') checkScalar(key, entry, name);
    else if (Array.isArray(entry))
      entry.forEach((item, index) =>
        typeof item === 'object' && !Array.isArray(item) ? visit(item, `${name}[${index}]`) : undefined,
      );
    else visit(entry, name);
  }
}

function checkScalar(key: string, value: string, name: string): void {
  if (value === '') return;
  if (key === 'currency' && !CURRENCIES.has(value.toLowerCase()))
    throw parameterInvalid(name, `Invalid currency: ${value}. Stripe currently supports only ISO 4217 currency codes.`);
  if (key === 'email' && (value.length > 512 || !EMAIL.test(value)))
    throw invalidRequest(`Invalid email address: ${value}`, 'email_invalid', name);
  if (key === 'amount' && !/^\d+$/.test(value)) throw parameterInvalid(name, `Invalid integer: ${value}`);
  if (key === 'amount' && Number(value) < 1)
    throw parameterInvalid(name, 'This value must be greater than or equal to 1.');
  if (NON_NEGATIVE_INTEGERS.has(key) && !/^\d+$/.test(value))
    throw parameterInvalid(name, `Invalid non-negative integer: ${value}`);
}

function checkMetadata(metadata: FormObject, name: string): void {
  const keys = Object.keys(metadata);
  if (keys.length > METADATA_MAX_KEYS)
    throw invalidRequest(
      `Invalid ${name}: metadata can have at most ${METADATA_MAX_KEYS} keys`,
      'parameter_invalid',
      name,
    );
  for (const key of keys) {
    const value = metadata[key];
    if (key.length > METADATA_MAX_KEY_LENGTH)
      throw invalidRequest(
        `Invalid key: ${key} must be a string under ${METADATA_MAX_KEY_LENGTH} characters`,
        'parameter_invalid',
        name,
      );
    if (typeof value !== 'string' || value.length > METADATA_MAX_VALUE_LENGTH) {
      throw invalidRequest(
        `Invalid val: ${typeof value === 'string' ? value.slice(0, 40) : '[object]'} must be a string under ${METADATA_MAX_VALUE_LENGTH} characters`,
        'parameter_invalid',
        name,
      );
    }
  }
}

function stringList(value: FormValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Stripe's minimum charge amounts per currency (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts). */
const MINIMUM_CHARGE: Record<string, number> = {
  usd: 50,
  eur: 50,
  gbp: 30,
  chf: 50,
  cad: 50,
  aud: 50,
  nzd: 50,
  sgd: 50,
  hkd: 400,
  jpy: 50,
  dkk: 250,
  nok: 300,
  sek: 300,
  pln: 200,
  czk: 1500,
  huf: 17500,
  ron: 200,
  bgn: 100,
  mxn: 1000,
  brl: 50,
  inr: 50,
  aed: 200,
  thb: 1000,
  myr: 200,
};

export function checkMinimumCharge(amount: number, currency: string): void {
  const minimum = MINIMUM_CHARGE[currency] ?? 50;
  if (amount < minimum) {
    throw invalidRequest(
      `Amount must be at least ${(minimum / 100).toFixed(2)} ${currency}`,
      'amount_too_small',
      'amount',
    );
  }
}
