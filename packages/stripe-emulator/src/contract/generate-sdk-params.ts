/**
 * Writes `sdk-params.generated.json` from the installed SDK's types: `npm run stripe-emulator:params`.
 * `test/sdk-params.test.ts` fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sdkParamsJson } from './sdk-params-source.ts';

const target = path.join(__dirname, 'sdk-params.generated.json');
writeFileSync(target, sdkParamsJson(path.resolve(__dirname, '../..')));
console.log(`wrote ${target}`);
