// The one rounding rule of this service's VAT, shared by every place that computes or checks an amount:
// VAT is computed per line, `amount × rate`, rounded half away from zero to the minor unit, and an invoice's
// VAT is the sum of its lines' VAT. It is the provider's own rule (line-level tax), so what we state is
// what it charges, and each printed line satisfies rate × amount = VAT.

/** The VAT of one line (minor units; negative on a credit) at a rate in basis points. */
export function lineVat(amount: number, rateBps: number): number {
  if (!Number.isSafeInteger(amount) || !Number.isInteger(rateBps))
    throw new Error(`cannot compute VAT of ${amount} at ${rateBps} bps`);
  // Integer arithmetic: amount × rateBps is exact, and +5000 before dividing by 10 000 rounds half up.
  const magnitude = Math.floor((Math.abs(amount) * rateBps + 5_000) / 10_000);
  return amount < 0 ? -magnitude : magnitude;
}

/** The VAT of a document: the sum of its lines' VAT. */
export function documentVat(lineAmounts: readonly number[], rateBps: number): number {
  return lineAmounts.reduce((sum, amount) => sum + lineVat(amount, rateBps), 0);
}
