// An admin replays a provider event that failed: processed now, in the request, by the same handlers
// as the job (which re-read the provider, so a replay converges like any redelivery).
import { invalidInput, notFound } from '../billing/errors.ts';
import type { InboxEntry, ProviderEventInbox } from './provider-event-inbox.ts';
import type { ProviderEventProcessor } from './provider-event-processor.ts';

export type ReplayOutcome =
  | { kind: 'replayed'; event: InboxEntry }
  | { kind: 'failed'; event: InboxEntry }
  | { kind: 'already_processed'; event: InboxEntry };

const MAX_EVENTS = 100;

export class ProviderEventReplay {
  constructor(
    private readonly inbox: ProviderEventInbox,
    private readonly processor: ProviderEventProcessor,
  ) {}

  async replay(id: string): Promise<ReplayOutcome> {
    const entry = await this.inbox.findByEitherId(id);
    if (!entry) throw notFound('provider event');
    if (entry.processedAt) return { kind: 'already_processed', event: entry };
    try {
      await this.processor.process(entry.id);
    } catch {
      // The processor recorded the failure on the entry; its text stays in the log, not in the response.
      return { kind: 'failed', event: await this.reread(entry.id) };
    }
    return { kind: 'replayed', event: await this.reread(entry.id) };
  }

  forProviderCustomer(providerCustomerId: string | null, first: number): Promise<InboxEntry[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_EVENTS)
      throw invalidInput(`\`first\` must be between 1 and ${MAX_EVENTS}`, 'first');
    return providerCustomerId ? this.inbox.findByProviderCustomer(providerCustomerId, first) : Promise.resolve([]);
  }

  private async reread(id: string): Promise<InboxEntry> {
    const entry = await this.inbox.findById(id);
    if (!entry) throw notFound('provider event');
    return entry;
  }
}
