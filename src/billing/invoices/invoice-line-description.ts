// What an invoice line says is sold, in our words rather than the provider's ("1 × Lite (at 8.00 EUR /
// month)"): "Cloud storage subscription, Lite plan, 100 GB, 2026-11-27 – 2026-12-27", prefixed for the
// two halves of a plan change. Art. 226(6) asks for the extent and nature of the services supplied.
import type { ProviderInvoice, ProviderInvoiceLine } from '../ports/payment-provider.ts';
import type { PlanService } from '../plans/plan-service.ts';
import { calendarDate } from '../calendar-date.ts';

const GB = 10n ** 9n;

export class InvoiceLineDescriber {
  constructor(
    private readonly plans: PlanService,
    private readonly timeZone: string,
  ) {}

  /** The invoice with its lines described; a line on a price outside our catalog keeps the provider's text. */
  async describe(invoice: ProviderInvoice): Promise<ProviderInvoice> {
    const catalog = await this.plans.catalog();
    const lines = invoice.lines.map((line) => {
      const price = line.priceId ? catalog.priceByProviderId.get(line.priceId) : undefined;
      const plan = price && catalog.byId.get(price.planId);
      return plan ? { ...line, description: this.text(line, plan.name, plan.driveStorageBytes) } : line;
    });
    return { ...invoice, lines };
  }

  private text(line: ProviderInvoiceLine, planName: string, storageBytes: bigint): string {
    const period =
      line.periodStart && line.periodEnd
        ? `, ${calendarDate(line.periodStart, this.timeZone)} – ${calendarDate(line.periodEnd, this.timeZone)}`
        : '';
    const what = `Cloud storage subscription, ${planName} plan, ${storageSize(storageBytes)}${period}`;
    if (!line.proration) return what;
    return line.amount < 0 ? `Unused time: ${what}` : `Remaining time: ${what}`;
  }
}

/** Decimal units, as storage is sold: 100 GB, 1.5 TB. */
function storageSize(bytes: bigint): string {
  const gigabytes = Number(bytes / (GB / 100n)) / 100;
  return gigabytes >= 1000 ? `${gigabytes / 1000} TB` : `${gigabytes} GB`;
}
