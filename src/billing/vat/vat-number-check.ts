// Whether a buyer's VAT number may zero-rate an invoice (reverse charge). Two verifiers behind one port:
// VIES (the Commission's registry, the default in production) and offline (format and check digits with
// jsvat, the default elsewhere: there is no network here). Only 'valid' and 'format-valid' zero-rate; see ./README.md.
import { checkVAT, countries } from 'jsvat';
import { vatMemberState } from './eu-vat-rates.ts';

/**
 * `valid`: the registry confirmed it; `format-valid`: registry checks are off by configuration and the
 * number's format and check digits are right; `unverified`: the registry could not answer.
 */
export type VatNumberStatus = 'valid' | 'format-valid' | 'invalid' | 'unverified';

export interface VatNumberVerifier {
  /** `vatNumber` with its country prefix (EL for Greece), as stored on the customer. */
  verify(vatNumber: string): Promise<VatNumberStatus>;
}

/** The prefix of a member state's VAT numbers: its ISO code, except Greece's EL. */
export function vatNumberPrefix(memberState: string): string {
  return memberState === 'GR' ? 'EL' : memberState;
}

/** The number's issuing country, prefix and national part, or null when it fails the offline check. */
function wellFormed(vatNumber: string): { country: string; prefix: string; national: string } | null {
  const normalized = vatNumber.toUpperCase().replace(/[\s.-]/g, '');
  const check = checkVAT(normalized, countries);
  if (!check.isValid || !check.country) return null;
  return { country: check.country.isoCode.short, prefix: normalized.slice(0, 2), national: normalized.slice(2) };
}

/**
 * Format and check digits only. A number that passes is 'format-valid', never 'valid': nobody asked the
 * registry, and the profile and invoice say so. With VIES off by configuration it zero-rates all the same,
 * the verification the operator chose; a registry that was never asked cannot be "unverified" either.
 */
export class OfflineVatNumberVerifier implements VatNumberVerifier {
  async verify(vatNumber: string): Promise<VatNumberStatus> {
    return wellFormed(vatNumber) ? 'format-valid' : 'invalid';
  }
}

/** The slice of `fetch` the VIES verifier needs, so tests inject a fake and never touch the network. */
export type ViesHttpClient = (
  url: string,
  init: { method: 'GET'; headers: Record<string, string>; signal: AbortSignal },
) => Promise<{ status: number; json(): Promise<unknown> }>;

export interface ViesOptions {
  http?: ViesHttpClient;
  baseUrl?: string;
  timeoutMs?: number;
}

export const VIES_BASE_URL = 'https://ec.europa.eu/taxation_customs/vies/rest-api';

/**
 * Asks VIES whether the number is registered. A malformed number is 'invalid' without a request; any
 * answer other than a clear yes or no (member state down, timeout, rate limit, network) is 'unverified'.
 */
export class ViesVatNumberVerifier implements VatNumberVerifier {
  private readonly http: ViesHttpClient;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(options: ViesOptions = {}) {
    this.http = options.http ?? fetch;
    this.baseUrl = options.baseUrl ?? VIES_BASE_URL;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async verify(vatNumber: string): Promise<VatNumberStatus> {
    const parts = wellFormed(vatNumber);
    if (!parts) return 'invalid';
    // jsvat also knows non-EU numbers (GB, CH, NO): VIES does not, so it is not asked.
    if (vatMemberState(parts.country) === null) return 'unverified';
    const url = `${this.baseUrl}/ms/${parts.prefix}/vat/${encodeURIComponent(parts.national)}`;
    try {
      const response = await this.http(url, {
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (response.status !== 200) return 'unverified';
      return statusOf(await response.json());
    } catch {
      return 'unverified';
    }
  }
}

/** VIES answers `{ isValid, userError }`: userError is VALID, INVALID, or why it could not tell. */
function statusOf(body: unknown): VatNumberStatus {
  if (body === null || typeof body !== 'object') return 'unverified';
  const { isValid, userError } = body as { isValid?: unknown; userError?: unknown };
  if (isValid === true && (userError === undefined || userError === 'VALID')) return 'valid';
  if (isValid === false && userError === 'INVALID') return 'invalid';
  return 'unverified';
}
