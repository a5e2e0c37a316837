import { REDACTED, redactArguments } from '../../src/billing/audit/audit-redaction';

describe('audit log redaction', () => {
  it('replaces secrets and card data, by key and by value, at any depth', () => {
    expect(
      redactArguments({
        clientSecret: 'seti_123_secret_abc',
        input: { apiToken: 'x', cardNumber: '4242', nested: [{ key: 'sk_live_abcdef' }, 'whsec_123', 'pi_1_secret_2'] },
        note: '4242 4242 4242 4242',
        authorization: 'Bearer a.b.c',
      }),
    ).toEqual({
      clientSecret: REDACTED,
      input: { apiToken: REDACTED, cardNumber: REDACTED, nested: [{ key: REDACTED }, REDACTED, REDACTED] },
      note: REDACTED,
      authorization: REDACTED,
    });
  });

  it('keeps ids, amounts, dates and invoice numbers readable', () => {
    const args = {
      owner: { userId: 'ada' },
      invoiceId: '3f1c2b9a-0000-4000-8000-000000000001',
      amount: 1200,
      usedBytes: 123456789012345n,
      until: '2026-12-31T00:00:00.000Z',
      query: 'F2026-000001',
      providerCustomerId: 'cus_123',
      digits: '1234567890123',
    };
    expect(redactArguments(args)).toEqual({ ...args, usedBytes: '123456789012345' });
    expect(redactArguments({ until: new Date('2027-01-31T00:00:00Z') })).toEqual({ until: '2027-01-31T00:00:00.000Z' });
  });
});
