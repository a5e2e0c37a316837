// Benchmark child process: the Stripe emulator on its own, as the standalone emulator replicas share (and
// in the place of Stripe, which production reaches over the network): the billing process under
// measurement then holds no emulator. Prints {"port": N} when listening.
import { startStripeEmulator } from '@billing-subgraph/stripe-emulator';
import { announce, runChild } from './child.ts';

async function main(): Promise<void> {
  const emulator = await startStripeEmulator({ port: 0 });
  announce(emulator.port, () => emulator.close());
}

runChild(main);
