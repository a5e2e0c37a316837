import { ENDPOINT_CONTRACTS } from './endpoint-contracts.ts';
import { readSdkContract } from './sdk-param-reader.ts';

/** The objects the emulator answers with, whose expandable fields `expand[]` may name. */
export const EXPANDABLE_OBJECTS = [
  'Customer',
  'PaymentMethod',
  'SetupIntent',
  'PaymentIntent',
  'Product',
  'Price',
  'TaxRate',
  'Subscription',
  'SubscriptionItem',
  'Invoice',
  'InvoiceLineItem',
  'InvoiceItem',
  'InvoicePayment',
  'Event',
  'WebhookEndpoint',
  'TestHelpers.TestClock',
  'Charge',
  'Refund',
  'CreditNote',
  'CreditNoteLineItem',
  'Mandate',
] as const;

/** The generated file's exact text: the SDK parameter types the endpoint contracts name, and expandable fields. */
export function sdkParamsJson(projectRoot: string): string {
  const names = [...new Set(Object.values(ENDPOINT_CONTRACTS).map((contract) => contract.sdk))].sort();
  const { params, expandable } = readSdkContract(names, EXPANDABLE_OBJECTS, projectRoot);
  return `${JSON.stringify({ generatedBy: 'packages/stripe-emulator/src/contract/generate-sdk-params.ts', types: params, expandable })}\n`;
}
