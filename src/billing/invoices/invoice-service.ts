import type { Invoice } from './invoice.ts';
import { invalidInput } from '../errors.ts';
import { decodeInvoiceCursor, encodeInvoiceCursor } from './invoice-cursor.ts';
import type { InvoiceRepository } from './invoice-repository.ts';

export const MAX_INVOICE_PAGE = 100;

export interface InvoicePage {
  invoices: { cursor: string; invoice: Invoice }[];
  hasNextPage: boolean;
}

export class InvoiceService {
  constructor(private readonly invoices: InvoiceRepository) {}

  /** `customerId` null is an owner who never paid: an empty page, with the arguments still checked. */
  async listForCustomer(customerId: string | null, first: number, after: string | null): Promise<InvoicePage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_INVOICE_PAGE) {
      throw invalidInput(`\`first\` must be between 1 and ${MAX_INVOICE_PAGE}`, 'first');
    }
    const position = after === null ? null : decodeInvoiceCursor(after);
    if (customerId === null) return { invoices: [], hasNextPage: false };
    // One extra row tells whether another page exists without a count query.
    const rows = await this.invoices.findPage(customerId, first + 1, position);
    return {
      invoices: rows.slice(0, first).map((invoice) => ({ cursor: encodeInvoiceCursor(invoice), invoice })),
      hasNextPage: rows.length > first,
    };
  }

  findById(id: string): Promise<Invoice | null> {
    return this.invoices.findById(id);
  }
}
