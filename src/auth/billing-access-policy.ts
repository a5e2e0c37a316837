import type { BillingOwner } from '../billing/billing-owner.ts';
import type { Viewer } from './viewer.ts';

/**
 * Who may read a billing profile: its user, its group's admins, admins, and services (the Drive
 * service reads entitlements). Nobody else, not even a group's ordinary members.
 */
export function canReadBilling(viewer: Viewer, owner: BillingOwner): boolean {
  if (viewer.roles.includes('admin') || viewer.roles.includes('service')) return true;
  return owner.kind === 'user' ? viewer.id === owner.id : viewer.adminGroupIds.includes(owner.id);
}

/**
 * Personal and payment data (legal identity, payment methods, invoices) is for the owner and admins only:
 * a service reads what it needs to serve (plan, entitlements, usage, the unpaid flag), not who pays.
 */
export function canReadPersonalBilling(viewer: Viewer, owner: BillingOwner): boolean {
  return canReadBilling(viewer, owner) && !(viewer.roles.includes('service') && !viewer.roles.includes('admin'));
}
