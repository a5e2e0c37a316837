// Domain outcomes -> GraphQL result types. The messages are ours, written for the client; the
// `__typename` picks the member of the result union.
import type {
  ChangePlanOutcome,
  PayInvoiceOutcome,
  PaymentFailed,
  PaymentProcessing,
  PaymentRequiresAction,
  RemovePaymentMethodOutcome,
  SetupOutcome,
  SubscribeOutcome,
  SubscriptionUpdateOutcome,
  VersionConflict,
} from '../billing/services/billing-results.ts';

const failed = (o: PaymentFailed) => ({
  __typename: 'PaymentFailed' as const,
  code: 'PAYMENT_FAILED' as const,
  message: 'The payment was declined.',
  declineCode: o.declineCode,
});

const requiresAction = (o: PaymentRequiresAction) => ({
  __typename: 'PaymentRequiresAction' as const,
  clientSecret: o.clientSecret,
  pendingSubscription: o.subscription,
});

const processing = (o: PaymentProcessing) => ({
  __typename: 'PaymentProcessing' as const,
  invoice: o.invoice,
  changedSubscription: o.subscription,
});

const conflict = (o: VersionConflict) => ({
  __typename: 'VersionConflict' as const,
  code: 'CONFLICT' as const,
  message: 'The subscription changed since it was read: read it again and retry.',
  currentVersion: o.currentVersion,
});

export function subscribeResult(o: SubscribeOutcome) {
  switch (o.kind) {
    case 'subscribed':
      return { __typename: 'Subscribed' as const, subscription: o.subscription };
    case 'requires_action':
      return requiresAction(o);
    case 'payment_failed':
      return failed(o);
    case 'already_subscribed':
      return {
        __typename: 'AlreadySubscribed' as const,
        code: 'ALREADY_SUBSCRIBED' as const,
        message: 'There is already a subscription: change its plan instead.',
        subscription: o.subscription,
      };
    case 'payment_method_required':
      return {
        __typename: 'PaymentMethodRequired' as const,
        code: 'PAYMENT_METHOD_REQUIRED' as const,
        message: 'Save a payment method first.',
      };
  }
}

export function changePlanResult(o: ChangePlanOutcome) {
  switch (o.kind) {
    case 'plan_changed':
      return { __typename: 'PlanChanged' as const, subscription: o.subscription };
    case 'requires_action':
      return requiresAction(o);
    case 'payment_processing':
      return processing(o);
    case 'payment_failed':
      return failed(o);
    case 'downgrade_refused':
      return {
        __typename: 'DowngradeRefused' as const,
        code: 'DOWNGRADE_REFUSED' as const,
        message: 'The storage in use exceeds what the new plan allows.',
        usedStorage: o.usedStorageBytes,
        newLimit: o.newLimitBytes,
      };
    case 'version_conflict':
      return conflict(o);
  }
}

export function subscriptionUpdateResult(o: SubscriptionUpdateOutcome) {
  return o.kind === 'version_conflict'
    ? conflict(o)
    : { __typename: 'SubscriptionUpdated' as const, subscription: o.subscription };
}

export function payInvoiceResult(o: PayInvoiceOutcome) {
  switch (o.kind) {
    case 'invoice_paid':
      return { __typename: 'InvoicePaid' as const, invoice: o.invoice };
    case 'requires_action':
      return requiresAction(o);
    case 'payment_processing':
      return processing(o);
    case 'payment_failed':
      return failed(o);
  }
}

export function setupResult(o: SetupOutcome) {
  switch (o.kind) {
    case 'payment_method_saved':
      return { __typename: 'PaymentMethodSaved' as const, paymentMethod: o.paymentMethod };
    case 'setup_requires_action':
      return { __typename: 'SetupRequiresAction' as const, clientSecret: o.clientSecret, redirectUrl: o.redirectUrl };
    case 'setup_incomplete':
      return {
        __typename: 'SetupIncomplete' as const,
        code: 'SETUP_INCOMPLETE' as const,
        message: 'The payment method was not confirmed.',
        status: o.status,
      };
  }
}

export function removePaymentMethodResult(o: RemovePaymentMethodOutcome) {
  return o.kind === 'payment_method_removed'
    ? { __typename: 'PaymentMethodRemoved' as const, paymentMethodId: o.id }
    : {
        __typename: 'LastPaymentMethodRequired' as const,
        code: 'LAST_PAYMENT_METHOD' as const,
        message: 'A paid subscription needs a payment method: add another one first.',
      };
}
