import { parseValue, valueFromAST } from 'graphql';
import { decodeInvoiceCursor, encodeInvoiceCursor } from '../../src/billing/invoices/invoice-cursor';
import { BytesScalar, DateTimeScalar } from '../../src/graphql/scalars';

describe('the Bytes scalar', () => {
  it('serializes any size exactly, as digits', () => {
    expect(BytesScalar.serialize(1_000_000_000_000n)).toBe('1000000000000');
    expect(BytesScalar.serialize(2n ** 64n)).toBe('18446744073709551616');
    expect(BytesScalar.serialize(42)).toBe('42');
  });

  it('reads digits and safe integers, from variables and literals', () => {
    expect(BytesScalar.parseValue('100000000000000')).toBe(100_000_000_000_000n);
    expect(BytesScalar.parseValue(4096)).toBe(4096n);
    expect(valueFromAST(parseValue('"9223372036854775807"'), BytesScalar)).toBe(2n ** 63n - 1n);
    expect(valueFromAST(parseValue('9223372036854775807'), BytesScalar)).toBe(2n ** 63n - 1n);
  });

  it.each([-1, 1.5, '12abc', '-5', '', 2 ** 60, '9223372036854775808', '18446744073709551616'])(
    'refuses %p as BAD_USER_INPUT',
    (value) => {
      expect(() => BytesScalar.parseValue(value)).toThrow(
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }),
      );
    },
  );

  it('refuses a literal past a BIGINT column (2^63 - 1)', () => {
    expect(valueFromAST(parseValue('9223372036854775808'), BytesScalar)).toBeUndefined();
  });
});

describe('the DateTime scalar', () => {
  it('serializes instants in UTC ISO 8601', () => {
    expect(DateTimeScalar.serialize(new Date('2026-11-24T10:00:00+02:00'))).toBe('2026-11-24T08:00:00.000Z');
  });

  it.each(['yesterday', '2026-13-45T00:00:00Z', '2026-11-24'])('refuses %p', (value) => {
    expect(() => DateTimeScalar.parseValue(value)).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } }),
    );
  });
});

describe('invoice cursors', () => {
  it('round-trip a position', () => {
    const position = { createdAt: new Date('2026-05-01T00:00:00.123Z'), id: '9b2f6f5e-3c1a-4c1e-9a57-0d9d5b1f2a10' };
    expect(decodeInvoiceCursor(encodeInvoiceCursor(position))).toEqual(position);
  });

  const id = '9b2f6f5e-3c1a-4c1e-9a57-0d9d5b1f2a10';
  it.each([
    '',
    'garbage',
    Buffer.from('2026-05-01T00:00:00Z|not-a-uuid').toString('base64url'),
    Buffer.from(`nope|${id}`).toString('base64url'),
    Buffer.from(`-100000-01-01T00:00:00.000Z|${id}`).toString('base64url'),
    Buffer.from(`+275760-09-13T00:00:00.000Z|${id}`).toString('base64url'),
    Buffer.from(`1969-12-31T23:59:59.999Z|${id}`).toString('base64url'),
    Buffer.from(`2026-05-01|${id}`).toString('base64url'),
    'A'.repeat(300),
  ])('refuses %p as bad input', (cursor) => {
    expect(() => decodeInvoiceCursor(cursor)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
