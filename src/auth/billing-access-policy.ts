import type { BillingOwner } from '../billing/billing-owner.ts';
import type { Viewer } from './viewer.ts';

/** The owner's own people: the user, or an admin of the group. Only they act on its billing. */
export function canManageBilling(viewer: Viewer, owner: BillingOwner): boolean {
  return owner.kind === 'user' ? viewer.id === owner.id : viewer.adminGroupIds.includes(owner.id);
}

/**
 * Who may read a billing profile: those who manage it, admins, and services (the Drive service reads
 * entitlements). Nobody else, not even a group's ordinary members.
 */
export function canReadBilling(viewer: Viewer, owner: BillingOwner): boolean {
  return viewer.roles.includes('admin') || viewer.roles.includes('service') || canManageBilling(viewer, owner);
}

/**
 * Personal and payment data (legal identity, payment methods, invoices) is for the owner and admins only:
 * a service reads what it needs to serve (plan, entitlements, usage, the unpaid flag), not who pays.
 */
export function canReadPersonalBilling(viewer: Viewer, owner: BillingOwner): boolean {
  return canReadBilling(viewer, owner) && !(viewer.roles.includes('service') && !viewer.roles.includes('admin'));
}

/** How an invoice's reader is answered: with it, with FORBIDDEN, or as if it did not exist. */
export type InvoiceReadAccess = 'allowed' | 'forbidden' | 'hidden';

/**
 * Who may read an invoice, from its customer's owner (null once the customer is closed): whoever may read
 * the owner's personal billing. Someone else's invoice reads as absent, like an unknown id, so the answer
 * tells a user nothing of its existence; a service, which reads profiles but never invoices, is told so.
 * A closed customer's invoices stay legal records: admins still read them, and for anyone else they read
 * as absent.
 */
export function invoiceReadAccess(viewer: Viewer, owner: BillingOwner | null): InvoiceReadAccess {
  if (!owner) return viewer.roles.includes('admin') ? 'allowed' : 'hidden';
  if (canReadPersonalBilling(viewer, owner)) return 'allowed';
  return canReadBilling(viewer, owner) ? 'forbidden' : 'hidden';
}

/** Paying an invoice is an act of its owner's own people; a closed customer's invoice has nobody to pay it. */
export function canPayInvoice(viewer: Viewer, owner: BillingOwner | null): boolean {
  return owner !== null && canManageBilling(viewer, owner);
}
