/**
 * How a payment method behaves when charged, chosen by the test id it was created from
 * (`pm_card_chargeDeclined`, ...), as Stripe's test cards do.
 */
export type ChargeBehaviour =
  | { kind: 'succeeds' }
  | { kind: 'declines'; declineCode: string; message: string; onAttach: boolean }
  | { kind: 'authenticates'; when: 'always' | 'on_setup' }
  /** PayPal: the customer approves the billing agreement once, at PayPal (a redirect); then charges go through. */
  | { kind: 'redirects'; approved: boolean }
  /** SEPA Direct Debit: a debit is `processing` until the bank settles it, days later, or returns it (`failure`). */
  | { kind: 'debits'; failure: { code: string; message: string } | null };

export type ChargeOutcome =
  | { kind: 'succeeded' }
  | { kind: 'declined'; declineCode: string; message: string }
  | { kind: 'requires_action' }
  | { kind: 'processing' };

export const SUCCEEDS: ChargeBehaviour = { kind: 'succeeds' };

/** The outcome of charging (`setup = false`) or setting up (`setup = true`) a method. */
export function chargeOutcome(behaviour: ChargeBehaviour, setup: boolean, authenticated: boolean): ChargeOutcome {
  switch (behaviour.kind) {
    case 'succeeds':
      return { kind: 'succeeded' };
    case 'declines':
      // chargeCustomerFail-style cards attach (and set up) fine; only charges fail.
      if (setup && !behaviour.onAttach) return { kind: 'succeeded' };
      return { kind: 'declined', declineCode: behaviour.declineCode, message: behaviour.message };
    case 'authenticates':
      if (authenticated) return { kind: 'succeeded' };
      if (setup || behaviour.when === 'always') return { kind: 'requires_action' };
      return { kind: 'succeeded' };
    case 'redirects':
      return behaviour.approved || authenticated ? { kind: 'succeeded' } : { kind: 'requires_action' };
    case 'debits':
      // Setting up a mandate moves no money: only debits wait for the bank.
      return setup ? { kind: 'succeeded' } : { kind: 'processing' };
  }
}
