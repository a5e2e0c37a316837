import type Stripe from 'stripe';
import type { Emulator } from '../emulator.ts';
import { listPage, matchesCreated } from '../http/list-page.ts';
import { parameterMissing } from '../stripe-error.ts';

/** `/v1/events` (list, retrieve) and `/v1/webhook_endpoints` (create, retrieve, update, delete, list). */
export function registerEventRoutes(emulator: Emulator): void {
  const { router, store } = emulator;
  router.on('GET', '/v1/events/:id', ({ path }) => store.events.require(path.id ?? ''));
  router.on('GET', '/v1/events', ({ params }) => {
    const type = params.string('type');
    const types = params.strings('types');
    const events = store.events
      .newestFirst()
      .filter((event) => matchesType(event.type, type, types) && matchesCreated(event.created, params));
    return listPage(events, params, '/v1/events');
  });

  router.on('POST', '/v1/webhook_endpoints', ({ params }) => {
    const enabled = params.strings('enabled_events');
    if (!enabled || enabled.length === 0) throw parameterMissing('enabled_events');
    const endpoint: Stripe.WebhookEndpoint = {
      id: emulator.ids.next('we', 24),
      object: 'webhook_endpoint',
      api_version: params.string('api_version') ?? null,
      application: null,
      created: emulator.now(),
      description: params.nullableString('description') ?? null,
      enabled_events: enabled,
      livemode: false,
      metadata: params.metadata('metadata'),
      status: 'enabled',
      url: params.requiredString('url'),
    };
    const secret = `whsec_${emulator.ids.token(32)}`;
    store.webhookEndpoints.add(endpoint);
    store.endpointSecrets.set(endpoint.id, secret);
    // Stripe shows the signing secret only in the creation response.
    return { ...endpoint, secret };
  });
  router.on('GET', '/v1/webhook_endpoints/:id', ({ path }) => store.webhookEndpoints.require(path.id ?? ''));
  router.on('POST', '/v1/webhook_endpoints/:id', ({ params, path }) => {
    const endpoint = store.webhookEndpoints.require(path.id ?? '');
    if (params.has('url')) endpoint.url = params.requiredString('url');
    if (params.has('enabled_events')) endpoint.enabled_events = params.strings('enabled_events') ?? [];
    if (params.has('disabled')) endpoint.status = params.boolean('disabled') ? 'disabled' : 'enabled';
    if (params.has('description')) endpoint.description = params.nullableString('description') ?? null;
    endpoint.metadata = params.metadata('metadata', endpoint.metadata);
    return endpoint;
  });
  router.on('DELETE', '/v1/webhook_endpoints/:id', ({ path }) => {
    const endpoint = store.webhookEndpoints.require(path.id ?? '');
    store.webhookEndpoints.delete(endpoint.id);
    store.endpointSecrets.delete(endpoint.id);
    const deleted: Stripe.DeletedWebhookEndpoint = { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
    return deleted;
  });
  router.on('GET', '/v1/webhook_endpoints', ({ params }) =>
    listPage(store.webhookEndpoints.newestFirst(), params, '/v1/webhook_endpoints'),
  );
}

function matchesType(eventType: string, type: string | undefined, types: string[] | undefined): boolean {
  const patterns = types ?? (type ? [type] : []);
  if (patterns.length === 0) return true;
  // Stripe accepts `*` wildcards in the type filter, e.g. `invoice.*`.
  return patterns.some((pattern) => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`).test(eventType));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
