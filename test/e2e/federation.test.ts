import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { parse } from 'graphql';
import { schemaPath } from '../../src/graphql/schema';
import { customerFor } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeEachDatabase } from '../support/test-database';
import { startUsersSubgraph, usersTypeDefs } from './users-subgraph';

interface GatewayContext {
  authorization?: string;
}

/** Forwards the caller's token to every subgraph, as the production gateway does. */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
  }
}

describe('composition', () => {
  it('composes with a users subgraph without errors', () => {
    const result = composeServices([
      { name: 'users', typeDefs: usersTypeDefs, url: 'http://127.0.0.1:1/graphql' },
      { name: 'billing', typeDefs: parse(readFileSync(schemaPath, 'utf8')), url: 'http://127.0.0.1:2/graphql' },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.supergraphSdl).toContain('type PlanSubscription');
    // The subscription root stays free: no type of ours is named `Subscription`.
    expect(result.supergraphSdl).not.toMatch(/^type Subscription\b/m);
  });
});

describeEachDatabase('the supergraph through @apollo/gateway on %s', (kind) => {
  let billing: TestApp;
  let users: Awaited<ReturnType<typeof startUsersSubgraph>>;
  let gateway: ApolloServer<GatewayContext>;

  beforeAll(async () => {
    billing = await startTestApp(kind);
    users = await startUsersSubgraph();
    const composed = composeServices([
      { name: 'users', typeDefs: usersTypeDefs, url: users.url },
      { name: 'billing', typeDefs: parse(readFileSync(schemaPath, 'utf8')), url: `${billing.url}/graphql` },
    ]);
    if (!composed.supergraphSdl)
      throw new Error(`composition failed: ${composed.errors?.map((e) => e.message).join('; ')}`);
    gateway = new ApolloServer<GatewayContext>({
      gateway: new ApolloGateway({
        supergraphSdl: composed.supergraphSdl,
        buildService: ({ url }) => new ForwardingDataSource({ url }),
      }),
      plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled()],
    });
    await gateway.start();
    await customerFor(
      billing.db.prisma,
      { userId: 'ada' },
      { planId: 'pro', driveStorageBytes: 400_000_000_000n, parallelDownloads: 16, hasUnpaidInvoice: true },
    );
  });
  afterAll(async () => {
    await gateway.stop();
    await users.stop();
    await billing.close();
  });

  async function run(query: string, sub: string) {
    const authorization = `Bearer ${await billing.token({ sub })}`;
    const response = await gateway.executeOperation({ query }, { contextValue: { authorization } });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  }

  it("answers `me` with the viewer's plan and unpaid flag", async () => {
    const result = await run(`{ me { id billing { plan { name driveStorage } } unpaidInvoice } }`, 'ada');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      me: { id: 'ada', billing: { plan: { name: 'Pro', driveStorage: '400000000000' } }, unpaidInvoice: true },
    });
  });

  it('answers a user who never paid with the free plan', async () => {
    const result = await run(`{ me { id billing { plan { name driveStorage } } unpaidInvoice } }`, 'newcomer');
    expect(result.data).toEqual({
      me: { id: 'newcomer', billing: { plan: { name: 'Free', driveStorage: '100000000' } }, unpaidInvoice: false },
    });
  });

  it("refuses another user's billing with FORBIDDEN through the gateway", async () => {
    const result = await run(`{ user(id: "ada") { name billing { plan { name } } } }`, 'mallory');
    expect(result.data).toEqual({ user: { name: 'User ada', billing: null } });
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['user', 'billing'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
      }),
    ]);
  });
});
