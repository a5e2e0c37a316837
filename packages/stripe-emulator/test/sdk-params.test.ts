import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENDPOINT_CONTRACTS } from '../src/contract/endpoint-contracts.ts';
import type { ParamNode } from '../src/contract/param-node.ts';
import { sdkParamsJson } from '../src/contract/sdk-params-source.ts';

const GENERATED = path.resolve(__dirname, '../src/contract/sdk-params.generated.json');
const committed = readFileSync(GENERATED, 'utf8');
const types = (JSON.parse(committed) as { types: Record<string, ParamNode> }).types;

describe("the accepted parameters, generated from the installed SDK's types", () => {
  it('are what the SDK declares today (run npm run stripe-emulator:params after an SDK upgrade)', () => {
    expect(sdkParamsJson(path.resolve(__dirname, '..'))).toBe(committed);
  }, 120_000);

  it('read nesting, literals and unsettable fields from the declarations', () => {
    const create = types['SubscriptionCreateParams']!;
    expect(create.props?.['payment_behavior']?.enum).toEqual([
      'allow_incomplete',
      'default_incomplete',
      'error_if_incomplete',
      'pending_if_incomplete',
    ]);
    expect(create.props?.['items']?.items?.props?.['price']?.scalar).toEqual(['string']);
    expect(create.props?.['metadata']).toEqual({ empty: true, map: true });
    expect(create.props?.['trial_end']).toEqual({ enum: ['now'], scalar: ['number'] });
  });

  it.each(Object.entries(ENDPOINT_CONTRACTS))('%s emulates only parameters the SDK knows', (_, contract) => {
    for (const dotted of contract.emulated) {
      let node: ParamNode | undefined = types[contract.sdk];
      for (const key of dotted.split('.')) node = (node?.items ?? node)?.props?.[key];
      expect([contract.sdk, dotted, node !== undefined]).toEqual([contract.sdk, dotted, true]);
    }
  });
});
