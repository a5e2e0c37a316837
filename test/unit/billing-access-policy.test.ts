import {
  canPayInvoice,
  canReadBilling,
  canReadPersonalBilling,
  invoiceReadAccess,
} from '../../src/auth/billing-access-policy';
import type { Viewer } from '../../src/auth/viewer';

const viewer = (fields: Partial<Viewer> = {}): Viewer => ({ id: 'ada', roles: [], adminGroupIds: [], ...fields });

describe('who may read a billing profile', () => {
  it('lets a user read their own and no other user', () => {
    expect(canReadBilling(viewer(), { kind: 'user', id: 'ada' })).toBe(true);
    expect(canReadBilling(viewer(), { kind: 'user', id: 'bob' })).toBe(false);
  });

  it("lets a group's admins read the group, and nobody else in it", () => {
    expect(canReadBilling(viewer({ adminGroupIds: ['studio'] }), { kind: 'group', id: 'studio' })).toBe(true);
    expect(canReadBilling(viewer({ adminGroupIds: ['other'] }), { kind: 'group', id: 'studio' })).toBe(false);
  });

  it('does not confuse a user id with a group id', () => {
    expect(canReadBilling(viewer({ id: 'studio' }), { kind: 'group', id: 'studio' })).toBe(false);
    expect(canReadBilling(viewer({ adminGroupIds: ['ada2'] }), { kind: 'user', id: 'ada2' })).toBe(false);
  });

  it('lets admins and services read any profile', () => {
    for (const roles of [['admin'], ['service']] as const) {
      expect(canReadBilling(viewer({ roles: [...roles] }), { kind: 'user', id: 'bob' })).toBe(true);
      expect(canReadBilling(viewer({ roles: [...roles] }), { kind: 'group', id: 'studio' })).toBe(true);
    }
  });
});

describe('who may read personal billing data (identity, payment methods, invoices)', () => {
  it('is the owner and admins, never a service', () => {
    expect(canReadPersonalBilling(viewer(), { kind: 'user', id: 'ada' })).toBe(true);
    expect(canReadPersonalBilling(viewer({ adminGroupIds: ['studio'] }), { kind: 'group', id: 'studio' })).toBe(true);
    expect(canReadPersonalBilling(viewer({ roles: ['admin'] }), { kind: 'user', id: 'bob' })).toBe(true);
    expect(canReadPersonalBilling(viewer({ id: 'drive', roles: ['service'] }), { kind: 'user', id: 'bob' })).toBe(
      false,
    );
    expect(canReadPersonalBilling(viewer(), { kind: 'user', id: 'bob' })).toBe(false);
  });
});

describe('who may read an invoice', () => {
  it("is whoever reads its owner's personal billing; it is absent for other users, refused to services", () => {
    expect(invoiceReadAccess(viewer(), { kind: 'user', id: 'ada' })).toBe('allowed');
    expect(invoiceReadAccess(viewer({ roles: ['admin'] }), { kind: 'user', id: 'bob' })).toBe('allowed');
    expect(invoiceReadAccess(viewer(), { kind: 'user', id: 'bob' })).toBe('hidden');
    expect(invoiceReadAccess(viewer({ adminGroupIds: ['studio'] }), { kind: 'group', id: 'other' })).toBe('hidden');
    expect(invoiceReadAccess(viewer({ id: 'drive', roles: ['service'] }), { kind: 'user', id: 'bob' })).toBe(
      'forbidden',
    );
  });

  it("keeps a closed customer's invoices for admins, and absent for everyone else", () => {
    expect(invoiceReadAccess(viewer({ roles: ['admin'] }), null)).toBe('allowed');
    expect(invoiceReadAccess(viewer(), null)).toBe('hidden');
    expect(invoiceReadAccess(viewer({ id: 'drive', roles: ['service'] }), null)).toBe('hidden');
  });
});

describe('who may pay an invoice', () => {
  it("is its owner's own people only: not admins, and nobody once the customer is closed", () => {
    expect(canPayInvoice(viewer(), { kind: 'user', id: 'ada' })).toBe(true);
    expect(canPayInvoice(viewer({ adminGroupIds: ['studio'] }), { kind: 'group', id: 'studio' })).toBe(true);
    expect(canPayInvoice(viewer({ roles: ['admin'] }), { kind: 'user', id: 'bob' })).toBe(false);
    expect(canPayInvoice(viewer({ id: 'ada' }), null)).toBe(false);
  });
});
