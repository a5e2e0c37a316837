// The audit log is written here, once for every mutation field an admin or a service runs, whatever
// the resolver: who (the token's sub and roles), what (the field and its arguments, redacted by the
// audit log), on whose profile, and how it ended (OK, a business outcome's code, or an error's code).
import type { ApolloServerPlugin } from '@apollo/server';
import type { NewAuditEntry } from '../billing/audit/audit-entry.ts';
import type { BillingOwner } from '../billing/billing-owner.ts';
import { isUuid } from '../billing/errors.ts';
import type { GraphQLContext } from './context.ts';
import { apiErrorCode } from './errors.ts';

interface ResolvedMutation {
  operation: string;
  args: Record<string, unknown>;
  outcome: string;
}

export const auditPlugin: ApolloServerPlugin<GraphQLContext> = {
  requestDidStart: async () => {
    const resolved: ResolvedMutation[] = [];
    return {
      executionDidStart: async ({ operation, contextValue }) => {
        const roles = contextValue.viewer?.roles ?? [];
        // Undefined, whatever the type says, when no operation has the requested name: execution refuses it.
        if (!operation || operation.operation !== 'mutation' || !(roles.includes('admin') || roles.includes('service')))
          return;
        return {
          willResolveField: ({ info, args }) => {
            if (info.parentType !== info.schema.getMutationType()) return;
            return (error, result) =>
              resolved.push({ operation: info.fieldName, args, outcome: outcomeOf(error, result) });
          },
        };
      },
      willSendResponse: async ({ contextValue }) => {
        if (resolved.length === 0 || !contextValue.viewer) return;
        const { viewer, requestId } = contextValue;
        try {
          const entries: NewAuditEntry[] = [];
          for (const { operation, args, outcome } of resolved) {
            entries.push({
              actor: { sub: viewer.id, roles: viewer.roles },
              operation,
              arguments: args,
              targetOwner: await targetOwnerOf(args, contextValue),
              outcome,
              requestId,
            });
          }
          await contextValue.services.audit.record(entries);
        } catch (error) {
          // The mutation is done and cannot be undone here: the failure must at least be loud.
          contextValue.logger.error(
            { err: error, requestId, operations: resolved.map((r) => r.operation) },
            'audit log write failed',
          );
        }
      },
    };
  },
};

function outcomeOf(error: unknown, result: unknown): string {
  if (error) return apiErrorCode(error);
  // A business outcome (a member of a result union implementing BillingError) carries its code.
  const code =
    result && typeof result === 'object' && 'code' in result ? (result as { code: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'OK';
}

/** The customer an operation is about, from its arguments: an owner, a group, or an invoice's customer. */
async function targetOwnerOf(args: Record<string, unknown>, context: GraphQLContext): Promise<BillingOwner | null> {
  const owner = args.owner as { userId?: unknown; groupId?: unknown } | undefined;
  if (owner && typeof owner.userId === 'string' && !owner.groupId) return { kind: 'user', id: owner.userId };
  if (owner && typeof owner.groupId === 'string' && !owner.userId) return { kind: 'group', id: owner.groupId };
  if (typeof args.groupId === 'string') return { kind: 'group', id: args.groupId };
  if (typeof args.invoiceId === 'string' && isUuid(args.invoiceId)) {
    return (await context.services.invoices.findOwned(args.invoiceId.toLowerCase()))?.owner ?? null;
  }
  return null;
}
