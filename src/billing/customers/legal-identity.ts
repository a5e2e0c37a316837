// Validation of the legal identity a customer gives for its invoices. It stays in our database only.
import { checkVAT, countries } from 'jsvat';
import { invalidInput } from '../errors.ts';
import { codePointName, firstUnprintable } from '../printable-text.ts';
import { ISO_COUNTRY_CODES } from './country-codes.ts';
import type { LegalIdentity } from './customer.ts';

const LIMITS: Record<Exclude<keyof LegalIdentity, 'country' | 'vatNumber' | 'billingEmail'>, number> = {
  legalName: 200,
  addressLine1: 200,
  addressLine2: 200,
  postalCode: 20,
  city: 100,
  region: 100,
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_VAT_NUMBER = 20;

/** Trims every field, turns blanks into null, and refuses what an invoice could not carry. */
export function validLegalIdentity(input: Partial<Record<keyof LegalIdentity, string | null>>): LegalIdentity {
  // Control characters (NUL included, which PostgreSQL refuses) and lone surrogates are refused with the rest.
  for (const [field, value] of Object.entries(input)) {
    const unprintable = typeof value === 'string' ? firstUnprintable(value) : null;
    if (unprintable !== null)
      throw invalidInput(
        `\`${field}\` contains a character invoices cannot print (${codePointName(unprintable)}): use Latin, Greek or Cyrillic script`,
        field,
      );
  }
  const clean = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);
  const identity: LegalIdentity = {
    legalName: clean(input.legalName),
    addressLine1: clean(input.addressLine1),
    addressLine2: clean(input.addressLine2),
    postalCode: clean(input.postalCode),
    city: clean(input.city),
    region: clean(input.region),
    country: clean(input.country)?.toUpperCase() ?? null,
    vatNumber:
      clean(input.vatNumber)
        ?.toUpperCase()
        .replace(/[\s.-]/g, '') ?? null,
    billingEmail: clean(input.billingEmail),
  };
  for (const [field, max] of Object.entries(LIMITS) as [keyof typeof LIMITS, number][]) {
    if ((identity[field]?.length ?? 0) > max)
      throw invalidInput(`\`${field}\` is longer than ${max} characters`, field);
  }
  if (identity.country && !ISO_COUNTRY_CODES.has(identity.country)) {
    throw invalidInput('`country` must be an ISO 3166-1 alpha-2 code such as FR', 'country');
  }
  if (identity.billingEmail && (identity.billingEmail.length > 254 || !EMAIL.test(identity.billingEmail))) {
    throw invalidInput('`billingEmail` is not an e-mail address', 'billingEmail');
  }
  if (identity.vatNumber) {
    if (identity.vatNumber.length > MAX_VAT_NUMBER)
      throw invalidInput('`vatNumber` is not a valid EU VAT number (too long)', 'vatNumber');
    if (!identity.country) throw invalidInput('a VAT number needs the `country` it was issued in', 'vatNumber');
    // A reverse-charged invoice must name the business it is issued to (art. 226).
    const missing = (['legalName', 'addressLine1', 'city'] as const).find((field) => !identity[field]);
    if (missing) throw invalidInput(`a business with a VAT number needs its \`${missing}\` for invoices`, missing);
    const check = checkVAT(identity.vatNumber, countries);
    if (!check.isValid)
      throw invalidInput('`vatNumber` is not a valid EU VAT number (format or check digits)', 'vatNumber');
    // jsvat names the issuing country by its ISO code (GR for Greece's EL prefix).
    if (check.country?.isoCode.short !== identity.country)
      throw invalidInput('`vatNumber` was not issued in `country`', 'vatNumber');
  }
  return identity;
}
