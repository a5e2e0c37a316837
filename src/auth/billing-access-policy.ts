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
