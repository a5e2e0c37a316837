import {
  canManageBilling,
  canPayInvoice,
  canReadBilling,
  canReadPersonalBilling,
  invoiceReadAccess,
} from '../auth/billing-access-policy.ts';
import type { Role, Viewer } from '../auth/viewer.ts';
import type { BillingOwner } from '../billing/billing-owner.ts';
import { invalidInput, notFound } from '../billing/errors.ts';
import type { OwnedInvoice } from '../billing/invoices/invoice-service.ts';
import { requireOwnerId } from '../billing/input-ids.ts';
import type { GraphQLContext } from './context.ts';
import { clientError } from './errors.ts';

export function requireViewer(context: GraphQLContext): Viewer {
  if (!context.viewer) throw clientError('UNAUTHENTICATED', 'a valid token is required');
  return context.viewer;
}

/** FORBIDDEN (not null) for a profile the viewer may not read, so the web app can tell denial from absence. */
export function requireBillingReader(context: GraphQLContext, owner: BillingOwner): void {
  if (!canReadBilling(requireViewer(context), owner)) {
    throw clientError('FORBIDDEN', `not allowed to read the billing of this ${owner.kind}`);
  }
}

const PERSONAL_DATA_REFUSED = 'services may read plans and entitlements, not identities, payment methods or invoices';

export function requirePersonalBillingReader(context: GraphQLContext, owner: BillingOwner): void {
  if (!canReadPersonalBilling(requireViewer(context), owner)) throw clientError('FORBIDDEN', PERSONAL_DATA_REFUSED);
}

/** The invoice, if the viewer may read it; null where it must read as absent. */
export function readableInvoice(context: GraphQLContext, found: OwnedInvoice | null): OwnedInvoice['invoice'] | null {
  if (!found) return null;
  const access = invoiceReadAccess(requireViewer(context), found.owner);
  if (access === 'forbidden') throw clientError('FORBIDDEN', PERSONAL_DATA_REFUSED);
  return access === 'allowed' ? found.invoice : null;
}

/** Someone else's invoice reads as absent, like an unknown one: the answer tells nothing of its existence. */
export function requireInvoicePayer(context: GraphQLContext, found: OwnedInvoice | null): OwnedInvoice {
  if (!found || !canPayInvoice(requireViewer(context), found.owner)) throw notFound('invoice');
  return found;
}

/** Billing actions are the owner's own: the user, or an admin of the group. Not even admins act for them. */
export function requireBillingManager(context: GraphQLContext, owner: BillingOwner): void {
  if (!canManageBilling(requireViewer(context), owner))
    throw clientError('FORBIDDEN', `not allowed to manage the billing of this ${owner.kind}`);
}

/**
 * The owner a web-app mutation acts for: the viewer, or the group named by `groupId` that the viewer
 * administers. Only an absent or null `groupId` means the viewer: `""` is a malformed id, not "myself".
 */
export function actingOwner(context: GraphQLContext, groupId: string | null | undefined): BillingOwner {
  const owner: BillingOwner =
    groupId === null || groupId === undefined
      ? { kind: 'user', id: requireViewer(context).id }
      : { kind: 'group', id: requireOwnerId(groupId, 'groupId') };
  requireBillingManager(context, owner);
  return owner;
}

export function requireRole(context: GraphQLContext, role: Role): void {
  if (!requireViewer(context).roles.includes(role)) throw clientError('FORBIDDEN', `only the ${role} role may do this`);
}

export function ownerFrom(input: { userId?: string | null; groupId?: string | null }): BillingOwner {
  const given = (value: string | null | undefined): value is string => value !== null && value !== undefined;
  if (given(input.userId) && !given(input.groupId))
    return { kind: 'user', id: requireOwnerId(input.userId, 'owner.userId') };
  if (given(input.groupId) && !given(input.userId))
    return { kind: 'group', id: requireOwnerId(input.groupId, 'owner.groupId') };
  throw invalidInput('give exactly one of `userId` and `groupId`', 'owner');
}
