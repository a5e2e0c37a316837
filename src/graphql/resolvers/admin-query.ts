// The admins' reads across customers. Each requires the `admin` role, then calls one service.
import type {
  CustomerSearchConnectionResolvers,
  CustomerSearchEdgeResolvers,
  InvoiceListingResolvers,
  InvoiceTotalsResolvers,
  QueryResolvers,
} from '../../generated/graphql.ts';
import type { InvoiceFilter } from '../../billing/invoices/invoice-listing-repository.ts';
import { requireRole } from '../authorization.ts';
import { profileOf } from '../billing-profile.ts';

export const AdminQuery: QueryResolvers = {
  searchCustomers: (_root, { query, first, after }, context) => {
    requireRole(context, 'admin');
    return context.services.customerSearch.search(query, first ?? 20, after ?? null);
  },
  invoiceListing: (_root, { filter }, context): InvoiceFilter => {
    requireRole(context, 'admin');
    return {
      issuedFrom: filter?.issuedFrom ?? null,
      issuedBefore: filter?.issuedBefore ?? null,
      status: filter?.status ?? null,
      country: filter?.country ?? null,
    };
  },
};

export const CustomerSearchConnection: CustomerSearchConnectionResolvers = {
  edges: (page) => page.hits,
  pageInfo: (page) => ({ hasNextPage: page.hasNextPage, endCursor: page.hits.at(-1)?.cursor ?? null }),
};

export const CustomerSearchEdge: CustomerSearchEdgeResolvers = {
  node: ({ owner, customer }) => profileOf(owner, customer),
};

export const InvoiceListing: InvoiceListingResolvers = {
  page: (filter, { first, after }, context) => context.services.invoiceListing.page(filter, first ?? 50, after ?? null),
  totals: (filter, _args, context) => context.services.invoiceListing.totals(filter),
  csv: (filter, _args, context) => context.services.invoiceListing.csv(filter),
};

const inCurrency = (totals: { currency: string }) => (amount: number) => ({ amount, currency: totals.currency });

export const InvoiceTotals: InvoiceTotalsResolvers = {
  subtotal: (totals) => inCurrency(totals)(totals.subtotal),
  tax: (totals) => inCurrency(totals)(totals.tax),
  total: (totals) => inCurrency(totals)(totals.total),
  amountPaid: (totals) => inCurrency(totals)(totals.amountPaid),
  amountDue: (totals) => inCurrency(totals)(totals.amountDue),
};
