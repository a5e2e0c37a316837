import type Stripe from 'stripe';

/**
 * Tax per line and per rate, rounded to the minor unit half away from zero, as Stripe rounds line-level
 * tax. Exclusive: `round(amount × p / 100)`, added on top. Inclusive: the line amount already contains the
 * tax; each inclusive rate takes `round(amount × p / (100 + Σ inclusive p))`.
 */
export function lineTaxes(amount: number, rates: Stripe.TaxRate[]): Stripe.InvoiceLineItem.Tax[] {
  const inclusiveTotal = rates.filter((rate) => rate.inclusive).reduce((sum, rate) => sum + rate.percentage, 0);
  const taxable =
    amount -
    rates
      .filter((rate) => rate.inclusive)
      .reduce((sum, rate) => sum + roundHalfAwayFromZero((amount * rate.percentage) / (100 + inclusiveTotal)), 0);
  return rates.map((rate) => ({
    amount: rate.inclusive
      ? roundHalfAwayFromZero((amount * rate.percentage) / (100 + inclusiveTotal))
      : roundHalfAwayFromZero((amount * rate.percentage) / 100),
    tax_behavior: rate.inclusive ? 'inclusive' : 'exclusive',
    tax_rate_details: { tax_rate: rate.id },
    taxability_reason: 'standard_rated',
    taxable_amount: taxable,
    type: 'tax_rate_details',
  }));
}

/** The invoice's `total_taxes`: line taxes summed per rate and behaviour. */
export function totalTaxes(lines: { taxes?: Stripe.InvoiceLineItem.Tax[] | null }[]): Stripe.Invoice.TotalTax[] {
  const totals = new Map<string, Stripe.Invoice.TotalTax>();
  for (const tax of lines.flatMap((line) => line.taxes ?? [])) {
    const key = `${tax.tax_rate_details?.tax_rate}:${tax.tax_behavior}`;
    const total = totals.get(key);
    if (total) {
      total.amount += tax.amount;
      total.taxable_amount = (total.taxable_amount ?? 0) + (tax.taxable_amount ?? 0);
    } else {
      totals.set(key, { ...tax, tax_rate_details: tax.tax_rate_details ? { ...tax.tax_rate_details } : null });
    }
  }
  return [...totals.values()];
}

/** Integer rounding of a money amount: 0.5 goes away from zero (tolerant of float noise such as 2.4999999). */
export function roundHalfAwayFromZero(value: number): number {
  const rounded = Math.floor(Math.abs(value) + 0.5 + 1e-9);
  return value < 0 ? -rounded : rounded;
}
