import {
  OfflineVatNumberVerifier,
  VIES_BASE_URL,
  ViesVatNumberVerifier,
  type ViesHttpClient,
} from '../../src/billing/vat/vat-number-check';

describe('checking a VAT number offline (the default outside production: VIES is off)', () => {
  const verifier = new OfflineVatNumberVerifier();

  it('finds a number with a correct format and check digits well formed, never registry-confirmed', async () => {
    expect(await verifier.verify('DE136695976')).toBe('format-valid');
    expect(await verifier.verify('FR40303265045')).toBe('format-valid');
    expect(await verifier.verify('EL094259216')).toBe('format-valid');
  });

  it('ignores spaces, dots, dashes and case, as customers type them', async () => {
    expect(await verifier.verify('de 136.695-976')).toBe('format-valid');
  });

  it('finds a number with wrong check digits or a wrong format invalid', async () => {
    expect(await verifier.verify('DE123456789')).toBe('invalid');
    expect(await verifier.verify('DE12345678')).toBe('invalid');
    expect(await verifier.verify('136695976')).toBe('invalid');
  });
});

describe('checking a VAT number with VIES', () => {
  /** A fake VIES: answers from `answer`, records every URL it was asked. */
  const fakeVies = (answer: () => Promise<{ status: number; body?: unknown }>) => {
    const requests: string[] = [];
    const http: ViesHttpClient = async (url) => {
      requests.push(url);
      const { status, body } = await answer();
      return { status, json: async () => body };
    };
    return { requests, verifier: new ViesVatNumberVerifier({ http }) };
  };

  it('finds a number VIES confirms valid, asking with the prefix and the national part apart', async () => {
    const vies = fakeVies(async () => ({
      status: 200,
      body: { isValid: true, userError: 'VALID', name: 'ACME GMBH' },
    }));
    expect(await vies.verifier.verify('DE136695976')).toBe('valid');
    expect(vies.requests).toEqual([`${VIES_BASE_URL}/ms/DE/vat/136695976`]);
  });

  it('asks about a Greek number under EL', async () => {
    const vies = fakeVies(async () => ({ status: 200, body: { isValid: true, userError: 'VALID' } }));
    await vies.verifier.verify('EL094259216');
    expect(vies.requests).toEqual([`${VIES_BASE_URL}/ms/EL/vat/094259216`]);
  });

  it('finds a well-formed number VIES does not know invalid', async () => {
    const vies = fakeVies(async () => ({ status: 200, body: { isValid: false, userError: 'INVALID' } }));
    expect(await vies.verifier.verify('DE136695976')).toBe('invalid');
  });

  it('finds a malformed number invalid without asking VIES', async () => {
    const vies = fakeVies(async () => ({ status: 200, body: { isValid: true, userError: 'VALID' } }));
    expect(await vies.verifier.verify('DE123456789')).toBe('invalid');
    expect(vies.requests).toEqual([]);
  });

  it('leaves a well-formed number from outside the EU unverified, without asking VIES', async () => {
    const vies = fakeVies(async () => ({ status: 200, body: { isValid: true, userError: 'VALID' } }));
    expect(await vies.verifier.verify('GB925901618')).toBe('unverified');
    expect(vies.requests).toEqual([]);
  });

  it.each([
    [
      'the member state is unavailable',
      async () => ({ status: 200, body: { isValid: false, userError: 'MS_UNAVAILABLE' } }),
    ],
    [
      'VIES is rate limiting',
      async () => ({ status: 200, body: { isValid: false, userError: 'MS_MAX_CONCURRENT_REQ' } }),
    ],
    ['VIES answers an HTTP error', async () => ({ status: 503 })],
    ['VIES answers something unexpected', async () => ({ status: 200, body: 'maintenance' })],
    ['the network fails', async (): Promise<{ status: number }> => Promise.reject(new TypeError('fetch failed'))],
  ])('leaves the number unverified when %s', async (_case, answer) => {
    const vies = fakeVies(answer);
    expect(await vies.verifier.verify('DE136695976')).toBe('unverified');
  });

  it('gives up after its timeout and leaves the number unverified', async () => {
    const http: ViesHttpClient = (_url, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
    const verifier = new ViesVatNumberVerifier({ http, timeoutMs: 20 });
    expect(await verifier.verify('DE136695976')).toBe('unverified');
  });
});
