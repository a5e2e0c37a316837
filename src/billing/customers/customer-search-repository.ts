// Admins find a customer by what they have at hand: the owner's id, the provider's customer id or an
// invoice number (exact), a legal name or a billing e-mail (substring, any case). Closed profiles, which
// have no owner any more, are not found (their invoices stay in the invoice listing).
import type { PrismaClient } from '../../db/prisma-types.ts';
import { ownerOf, type BillingOwner } from '../billing-owner.ts';
import { invalidInput, isUuid } from '../errors.ts';
import type { Customer } from './customer.ts';
import { customerFromRow } from './customer-repository.ts';

export type CustomerMatch = 'OWNER_ID' | 'PROVIDER_CUSTOMER_ID' | 'INVOICE_NUMBER' | 'LEGAL_NAME' | 'BILLING_EMAIL';

export interface CustomerHit {
  owner: BillingOwner;
  customer: Customer;
  matchedOn: CustomerMatch;
  cursor: string;
}

export interface CustomerSearchPage {
  hits: CustomerHit[];
  hasNextPage: boolean;
}

const MAX_PAGE = 100;

export class CustomerSearchRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async search(text: string, first: number, after: string | null): Promise<CustomerSearchPage> {
    const query = text.trim();
    if (query.length < 2 || query.length > 200) throw invalidInput('`query` must be 2 to 200 characters', 'query');
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE)
      throw invalidInput(`\`first\` must be between 1 and ${MAX_PAGE}`, 'first');
    const position = after === null ? null : decodeCursor(after);
    const rows = await this.prisma.customer.findMany({
      where: {
        AND: [
          { OR: [{ userId: { not: null } }, { groupId: { not: null } }] },
          {
            OR: [
              { userId: query },
              { groupId: query },
              { providerCustomerId: query },
              { invoices: { some: { number: query } } },
              { legalName: { contains: likeLiteral(query), mode: 'insensitive' } },
              { billingEmail: { contains: likeLiteral(query), mode: 'insensitive' } },
            ],
          },
          position
            ? {
                OR: [
                  { createdAt: { lt: position.createdAt } },
                  { createdAt: position.createdAt, id: { lt: position.id } },
                ],
              }
            : {},
        ],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
    });
    const hits = rows
      .slice(0, first)
      .map(customerFromRow)
      .flatMap((customer) => {
        const owner = ownerOf(customer);
        return owner ? [{ owner, customer, matchedOn: matchOf(customer, query), cursor: encodeCursor(customer) }] : [];
      });
    return { hits, hasNextPage: rows.length > first };
  }
}

/**
 * Prisma passes `contains` to SQL's LIKE as it is, so `%` and `_` would be wildcards (`%%` listing every
 * customer): escaped with LIKE's default escape character, they match themselves.
 */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

function matchOf(customer: Customer, query: string): CustomerMatch {
  const lower = query.toLowerCase();
  if (customer.userId === query || customer.groupId === query) return 'OWNER_ID';
  if (customer.providerCustomerId === query) return 'PROVIDER_CUSTOMER_ID';
  if (customer.legalName?.toLowerCase().includes(lower)) return 'LEGAL_NAME';
  if (customer.billingEmail?.toLowerCase().includes(lower)) return 'BILLING_EMAIL';
  return 'INVOICE_NUMBER';
}

function encodeCursor(customer: Customer): string {
  return Buffer.from(`customer|${customer.createdAt.toISOString()}|${customer.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [tag, iso, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (tag !== 'customer' || rest.length > 0 || !id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw invalidInput('`after` is not a cursor this API returned', 'after');
  }
  return { createdAt, id };
}
