// The admins' mutations: each requires the `admin` role, then calls one service. The audit plugin
// records them all.
import type { MutationResolvers } from '../../generated/graphql.ts';
import { requireUuid } from '../../billing/errors.ts';
import {
  extendGraceResult,
  grantPlanResult,
  markUncollectibleResult,
  planCatalogResult,
  refundResult,
  replayResult,
  setPlanPriceResult,
} from '../admin-results.ts';
import { ownerFrom, requireRole } from '../authorization.ts';

export const AdminMutation: MutationResolvers = {
  createPlan: async (_root, { input }, context) => {
    requireRole(context, 'admin');
    const { id, name, driveStorage, parallelDownloads, prices } = input;
    return planCatalogResult(
      await context.services.planCatalog.createPlan({
        id,
        name,
        driveStorageBytes: driveStorage,
        parallelDownloads,
        prices: prices ?? [],
      }),
    );
  },
  updatePlan: async (_root, { id, input }, context) => {
    requireRole(context, 'admin');
    const changes = {
      ...(input.name != null && { name: input.name }),
      ...(input.driveStorage != null && { driveStorageBytes: input.driveStorage }),
      ...(input.parallelDownloads != null && { parallelDownloads: input.parallelDownloads }),
    };
    return planCatalogResult(await context.services.planCatalog.updatePlan(id, changes));
  },
  setPlanPrice: async (_root, { planId, price }, context) => {
    requireRole(context, 'admin');
    return setPlanPriceResult(await context.services.planCatalog.setPlanPrice(planId, price));
  },
  archivePlan: async (_root, { id }, context) => {
    requireRole(context, 'admin');
    return planCatalogResult(await context.services.planCatalog.archivePlan(id));
  },
  markInvoiceUncollectible: async (_root, { invoiceId }, context) => {
    requireRole(context, 'admin');
    return markUncollectibleResult(
      await context.services.invoiceCollection.markUncollectible(requireUuid(invoiceId, 'invoiceId')),
    );
  },
  refundInvoice: async (_root, { invoiceId, amount, reason, expectedRefunded }, context) => {
    requireRole(context, 'admin');
    return refundResult(
      await context.services.refunds.refund(
        requireUuid(invoiceId, 'invoiceId'),
        amount ?? null,
        reason,
        expectedRefunded,
      ),
    );
  },
  replayProviderEvent: async (_root, { id }, context) => {
    requireRole(context, 'admin');
    return replayResult(await context.services.providerEvents.replay(id));
  },
  extendGracePeriod: async (_root, { owner: input, until }, context) => {
    requireRole(context, 'admin');
    const owner = ownerFrom(input);
    return extendGraceResult(owner, await context.services.customerExceptions.extendGracePeriod(owner, until));
  },
  grantPlan: async (_root, { owner: input, planId, until }, context) => {
    requireRole(context, 'admin');
    const owner = ownerFrom(input);
    return grantPlanResult(owner, await context.services.customerExceptions.grantPlan(owner, planId, until));
  },
};
