// Operations that call the payment provider cost real requests against its rate limit, which every
// customer shares: one request may run at most one of them, and each viewer may send only so many.
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { RateLimitCounters } from '../db/rate-limit-counters.ts';

/** Root fields whose resolvers call the payment provider (at least in some cases). */
export const PROVIDER_FIELDS: Readonly<Record<'query' | 'mutation', ReadonlySet<string>>> = {
  query: new Set(['previewPlanChange']),
  mutation: new Set([
    'updateBillingProfile',
    'startPaymentMethodSetup',
    'completePaymentMethodSetup',
    'setDefaultPaymentMethod',
    'removePaymentMethod',
    'subscribe',
    'changePlan',
    'cancelSubscription',
    'resumeSubscription',
    'payInvoice',
    'closeCustomer',
    'reconcileCustomer',
  ]),
};

/** The response keys (alias or name) of the operation's provider-calling root fields, fragments expanded. */
export function providerCalls(
  operation: OperationDefinitionNode,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
): string[] {
  const fields = operation.operation === 'subscription' ? new Set<string>() : PROVIDER_FIELDS[operation.operation];
  const keys = new Set<string>();
  const seenFragments = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (fields.has(selection.name.value)) keys.add(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!seenFragments.has(selection.name.value)) {
        seenFragments.add(selection.name.value);
        const definition = fragment(selection.name.value);
        if (definition) collect(definition.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return [...keys];
}

/** Validation rule: a second provider-calling field in one operation (an alias of the first included) is refused. */
export const oneProviderCallPerOperation: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  OperationDefinition(operation) {
    const calls = providerCalls(operation, (name) => context.getFragment(name));
    if (calls.length > 1) {
      context.reportError(
        new GraphQLError(
          `At most one payment-provider operation per request; this one has ${calls.length} (${calls.join(', ')}). Send them one at a time.`,
          { nodes: operation },
        ),
      );
    }
  },
});

export interface ProviderRateLimit {
  operations: number;
  windowSeconds: number;
}

/** Per-viewer limit on provider-calling operations, counted in the database so all replicas share it. */
export class ProviderRateLimiter {
  constructor(
    private readonly counters: RateLimitCounters,
    private readonly limit: ProviderRateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one operation of the viewer; RATE_LIMITED (HTTP 429, with the seconds to wait) once over the limit. */
  async consume(viewerId: string): Promise<void> {
    const windowMs = this.limit.windowSeconds * 1000;
    const now = this.now();
    const { hits, windowStart } = await this.counters.hit(`provider:${viewerId}`, new Date(now - (now % windowMs)));
    if (hits <= this.limit.operations) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
    throw new GraphQLError(
      `Too many payment operations: at most ${this.limit.operations} every ${this.limit.windowSeconds} s. Try again in ${retryAfterSeconds} s.`,
      {
        extensions: {
          code: 'RATE_LIMITED',
          retryAfterSeconds,
          http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
        },
      },
    );
  }
}
