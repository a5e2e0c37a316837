/** Standalone Stripe emulator: `npm run stripe-emulator` (or `npx tsx src/main.ts` in this package). */
import { startStripeEmulator } from './index.ts';

const webhookUrl = process.env.EMULATOR_WEBHOOK_URL;
const webhookSecret = process.env.EMULATOR_WEBHOOK_SECRET;
if (webhookUrl && !webhookSecret) {
  console.error('EMULATOR_WEBHOOK_URL needs EMULATOR_WEBHOOK_SECRET (the whsec_... the receiver verifies with).');
  process.exit(1);
}

startStripeEmulator({
  host: process.env.EMULATOR_HOST ?? '127.0.0.1',
  port: Number(process.env.EMULATOR_PORT ?? 12111),
  ...(webhookUrl && webhookSecret ? { webhookEndpoints: [{ url: webhookUrl, secret: webhookSecret }] } : {}),
  ...(process.env.EMULATOR_UPCOMING_RENEWAL_DAYS
    ? { upcomingRenewalDays: Number(process.env.EMULATOR_UPCOMING_RENEWAL_DAYS) }
    : {}),
  ...(process.env.EMULATOR_STATE_FILE ? { stateFile: process.env.EMULATOR_STATE_FILE } : {}),
  ...(process.env.EMULATOR_CHAOS_SEED
    ? {
        chaos: {
          seed: Number(process.env.EMULATOR_CHAOS_SEED),
          duplicateRate: Number(process.env.EMULATOR_CHAOS_DUPLICATE_RATE ?? 0),
          maxDelayMs: Number(process.env.EMULATOR_CHAOS_MAX_DELAY_MS ?? 0),
          shuffle: process.env.EMULATOR_CHAOS_SHUFFLE === 'true',
        },
      }
    : {}),
  logger: (line) => console.log(line),
})
  .then((emulator) => {
    console.log(`API key: ${emulator.apiKey}${webhookUrl ? `; webhooks to ${webhookUrl}` : ''}`);
    const stop = () => void emulator.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
