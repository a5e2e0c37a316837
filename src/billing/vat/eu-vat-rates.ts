// The standard VAT rate of each EU member state, as data with effective dates: an invoice uses the rate in
// force on its supply date, so a rate change is a new entry, never an edit. The table starts on 2020-01-01
// (each country's first entry is the rate in force that day): no supply this service bills is older.
// Source: the Commission's "VAT rates applied in the Member States" and the national laws; check the
// Taxes in Europe Database (TEDB) for changes announced after mid-2025, which this table does not hold.

/** A rate in basis points (2000 = 20 %), in force from `from` (a calendar date, inclusive). */
export interface VatRatePeriod {
  from: string;
  rateBps: number;
}

const SINCE_2020 = '2020-01-01';

/** Keyed by ISO 3166-1 alpha-2 code: Greece is GR here, although its VAT numbers start with EL. */
export const EU_STANDARD_VAT_RATES: Readonly<Record<string, readonly VatRatePeriod[]>> = {
  AT: [{ from: SINCE_2020, rateBps: 2000 }],
  BE: [{ from: SINCE_2020, rateBps: 2100 }],
  BG: [{ from: SINCE_2020, rateBps: 2000 }],
  CY: [{ from: SINCE_2020, rateBps: 1900 }],
  CZ: [{ from: SINCE_2020, rateBps: 2100 }],
  DE: [
    { from: SINCE_2020, rateBps: 1900 },
    // The COVID-19 stimulus cut, for the second half of 2020 only.
    { from: '2020-07-01', rateBps: 1600 },
    { from: '2021-01-01', rateBps: 1900 },
  ],
  DK: [{ from: SINCE_2020, rateBps: 2500 }],
  EE: [
    { from: SINCE_2020, rateBps: 2000 },
    { from: '2024-01-01', rateBps: 2200 },
    { from: '2025-07-01', rateBps: 2400 },
  ],
  ES: [{ from: SINCE_2020, rateBps: 2100 }],
  FI: [
    { from: SINCE_2020, rateBps: 2400 },
    { from: '2024-09-01', rateBps: 2550 },
  ],
  FR: [{ from: SINCE_2020, rateBps: 2000 }],
  GR: [{ from: SINCE_2020, rateBps: 2400 }],
  HR: [{ from: SINCE_2020, rateBps: 2500 }],
  HU: [{ from: SINCE_2020, rateBps: 2700 }],
  IE: [
    { from: SINCE_2020, rateBps: 2300 },
    // The COVID-19 cut, from September 2020 to the end of February 2021.
    { from: '2020-09-01', rateBps: 2100 },
    { from: '2021-03-01', rateBps: 2300 },
  ],
  IT: [{ from: SINCE_2020, rateBps: 2200 }],
  LT: [{ from: SINCE_2020, rateBps: 2100 }],
  LU: [
    { from: SINCE_2020, rateBps: 1700 },
    // The energy-crisis cut, for the calendar year 2023.
    { from: '2023-01-01', rateBps: 1600 },
    { from: '2024-01-01', rateBps: 1700 },
  ],
  LV: [{ from: SINCE_2020, rateBps: 2100 }],
  MT: [{ from: SINCE_2020, rateBps: 1800 }],
  NL: [{ from: SINCE_2020, rateBps: 2100 }],
  PL: [{ from: SINCE_2020, rateBps: 2300 }],
  // Mainland Portugal: Madeira and the Azores have lower rates of their own, which this table does not hold.
  PT: [{ from: SINCE_2020, rateBps: 2300 }],
  RO: [
    { from: SINCE_2020, rateBps: 1900 },
    { from: '2025-08-01', rateBps: 2100 },
  ],
  SE: [{ from: SINCE_2020, rateBps: 2500 }],
  SI: [{ from: SINCE_2020, rateBps: 2200 }],
  SK: [
    { from: SINCE_2020, rateBps: 2000 },
    { from: '2025-01-01', rateBps: 2300 },
  ],
};

/**
 * Territories outside the EU that the VAT directive treats as part of a member state (art. 7):
 * a supply to Monaco is taxed as one to France.
 */
const TREATED_AS: Readonly<Record<string, string>> = { MC: 'FR' };

/** The member state whose VAT applies to a country, or null outside the EU VAT area. */
export function vatMemberState(country: string): string | null {
  const code = TREATED_AS[country.toUpperCase()] ?? country.toUpperCase();
  return code in EU_STANDARD_VAT_RATES ? code : null;
}

export type VatRateTable = Readonly<Record<string, readonly VatRatePeriod[]>>;

/**
 * The standard rate in force in `country` on a calendar day (YYYY-MM-DD: the supply's day in the seller's
 * time zone, as its invoice date is), in basis points; null outside the EU or before the table starts, so a
 * caller never guesses a rate.
 */
export function standardRate(country: string, day: string, rates: VatRateTable = EU_STANDARD_VAT_RATES): number | null {
  const memberState = vatMemberState(country);
  if (memberState === null || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  let rate: number | null = null;
  for (const period of rates[memberState] ?? []) {
    if (period.from <= day) rate = period.rateBps;
  }
  return rate;
}
