import type { Invoice } from './invoice.ts';
import type { BillingOwner } from '../billing-owner.ts';
import type { Customer } from '../customers/customer.ts';
import type { CustomerRepository } from '../customers/customer-repository.ts';
import { ownerOf } from '../billing-owner.ts';
import { invalidInput } from '../errors.ts';
import { decodeInvoiceCursor, encodeInvoiceCursor } from './invoice-cursor.ts';
import type { InvoiceRepository } from './invoice-repository.ts';

export const MAX_INVOICE_PAGE = 100;

export interface InvoicePage {
  invoices: { cursor: string; invoice: Invoice }[];
  hasNextPage: boolean;
}

/** An invoice with its customer and that customer's owner (null once it is closed): what access is decided on. */
export interface OwnedInvoice {
  invoice: Invoice;
  customer: Customer;
  owner: BillingOwner | null;
}

export class InvoiceService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly customers: CustomerRepository,
  ) {}

  /**
   * A page of each customer's invoices, in one query for them all; a null customer is an owner who never
   * paid: an empty page. The arguments are checked either way.
   */
  async pagesFor(customerIds: readonly (string | null)[], first: number, after: string | null): Promise<InvoicePage[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_INVOICE_PAGE) {
      throw invalidInput(`\`first\` must be between 1 and ${MAX_INVOICE_PAGE}`, 'first');
    }
    const position = after === null ? null : decodeInvoiceCursor(after);
    const known = [...new Set(customerIds.filter((id): id is string => id !== null))];
    // One extra row each tells whether another page exists without a count query.
    const rows = await this.invoices.findPages(known, first + 1, position);
    const byCustomer = new Map<string, Invoice[]>();
    for (const invoice of rows)
      byCustomer.set(invoice.customerId, [...(byCustomer.get(invoice.customerId) ?? []), invoice]);
    return customerIds.map((customerId) => {
      const own = (customerId && byCustomer.get(customerId)) || [];
      return {
        invoices: own.slice(0, first).map((invoice) => ({ cursor: encodeInvoiceCursor(invoice), invoice })),
        hasNextPage: own.length > first,
      };
    });
  }

  findById(id: string): Promise<Invoice | null> {
    return this.invoices.findById(id);
  }

  async findOwned(id: string): Promise<OwnedInvoice | null> {
    const invoice = await this.invoices.findById(id);
    const customer = invoice && (await this.customers.findById(invoice.customerId));
    return invoice && customer ? { invoice, customer, owner: ownerOf(customer) } : null;
  }
}
