import { canReadBilling } from '../auth/billing-access-policy.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { BillingOwner } from '../billing/billing-owner.ts';
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
