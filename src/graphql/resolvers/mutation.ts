import type { MutationResolvers } from '../../generated/graphql.ts';
import { requireUuid } from '../../billing/errors.ts';
import { requirePlanId, requireProviderId } from '../../billing/input-ids.ts';
import { actingOwner, ownerFrom, requireInvoicePayer, requireRole } from '../authorization.ts';
import { profileOf } from '../billing-profile.ts';
import {
  changePlanResult,
  payInvoiceResult,
  removePaymentMethodResult,
  setupResult,
  subscribeResult,
  subscriptionUpdateResult,
} from '../mutation-results.ts';

export const Mutation: MutationResolvers = {
  updateBillingProfile: async (_root, { input, groupId }, context) => {
    const owner = actingOwner(context, groupId);
    return profileOf(owner, await context.services.customers.updateBillingProfile(owner, input));
  },
  startPaymentMethodSetup: (_root, { groupId, type }, context) =>
    context.services.paymentMethods.startSetup(actingOwner(context, groupId), type ?? 'CARD'),
  completePaymentMethodSetup: async (_root, { setupIntentId, groupId }, context) =>
    setupResult(
      await context.services.paymentMethods.completeSetup(
        actingOwner(context, groupId),
        requireProviderId(setupIntentId, 'setupIntentId'),
      ),
    ),
  setDefaultPaymentMethod: (_root, { paymentMethodId, groupId }, context) =>
    context.services.paymentMethods.setDefault(
      actingOwner(context, groupId),
      requireUuid(paymentMethodId, 'paymentMethodId'),
    ),
  removePaymentMethod: async (_root, { paymentMethodId, groupId }, context) =>
    removePaymentMethodResult(
      await context.services.paymentMethods.remove(
        actingOwner(context, groupId),
        requireUuid(paymentMethodId, 'paymentMethodId'),
      ),
    ),
  subscribe: async (_root, { planId, interval, groupId }, context) =>
    subscribeResult(
      await context.services.subscriptions.subscribe(actingOwner(context, groupId), requirePlanId(planId), interval),
    ),
  changePlan: async (_root, { planId, interval, expectedVersion, groupId }, context) =>
    changePlanResult(
      await context.services.subscriptions.changePlan(
        actingOwner(context, groupId),
        requirePlanId(planId),
        interval,
        expectedVersion,
      ),
    ),
  cancelSubscription: async (_root, { atPeriodEnd, expectedVersion, groupId }, context) =>
    subscriptionUpdateResult(
      await context.services.subscriptions.cancel(actingOwner(context, groupId), atPeriodEnd ?? true, expectedVersion),
    ),
  resumeSubscription: async (_root, { expectedVersion, groupId }, context) =>
    subscriptionUpdateResult(
      await context.services.subscriptions.resume(actingOwner(context, groupId), expectedVersion),
    ),
  payInvoice: async (_root, { invoiceId, paymentMethodId }, context) => {
    const { invoice, customer } = requireInvoicePayer(
      context,
      await context.services.invoices.findOwned(requireUuid(invoiceId, 'invoiceId')),
    );
    const method = paymentMethodId ? requireUuid(paymentMethodId, 'paymentMethodId') : null;
    return payInvoiceResult(await context.services.invoicePayments.pay(customer, invoice.id, method));
  },

  createCustomer: async (_root, { owner: input }, context) => {
    requireRole(context, 'service');
    const owner = ownerFrom(input);
    return profileOf(owner, await context.services.customers.ensure(owner));
  },
  reportStorageUsage: async (_root, { owner: input, usedBytes }, context) => {
    requireRole(context, 'service');
    const owner = ownerFrom(input);
    return profileOf(owner, await context.services.customers.reportStorageUsage(owner, usedBytes));
  },
  closeCustomer: async (_root, { owner }, context) => {
    requireRole(context, 'service');
    return (await context.services.customers.close(ownerFrom(owner))) !== null;
  },
  reconcileCustomer: async (_root, { owner: input }, context) => {
    requireRole(context, 'admin');
    const owner = ownerFrom(input);
    const customer = await context.services.customers.require(owner);
    await context.services.reconciliation.reconcile(customer);
    return profileOf(owner, await context.services.customers.require(owner));
  },
};
