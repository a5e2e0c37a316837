import { InvoiceLinkSigner } from '../../src/billing/invoices/invoice-links';

const ID = '9b2f6f5e-3c1a-4c1e-9a57-0d9d5b1f2a10';

const parts = (url: string) => {
  const parsed = new URL(url);
  return [parsed.searchParams.get('expires')!, parsed.searchParams.get('signature')!] as const;
};

describe('signed invoice links', () => {
  let clock = new Date('2026-11-24T10:00:00Z');
  const signer = new InvoiceLinkSigner(
    'a-link-secret-of-at-least-thirty-two-characters',
    'https://billing.example',
    300,
    () => clock,
  );

  it('names the invoice and holds until it expires', () => {
    const url = signer.url(ID);
    expect(url).toMatch(new RegExp(`^https://billing.example/invoices/${ID}\\.pdf\\?expires=\\d+&signature=`));
    const [expires, signature] = parts(url);
    expect(signer.verify(ID, expires, signature)).toBe(true);
    clock = new Date(clock.getTime() + 301_000);
    expect(signer.verify(ID, expires, signature)).toBe(false);
  });

  it('refuses another invoice, a changed expiry, and another secret', () => {
    clock = new Date('2026-11-24T10:00:00Z');
    const [expires, signature] = parts(signer.url(ID));
    expect(signer.verify('00000000-0000-4000-8000-000000000000', expires, signature)).toBe(false);
    expect(signer.verify(ID, String(Number(expires) + 3600), signature)).toBe(false);
    const other = new InvoiceLinkSigner(
      'another-secret-of-at-least-thirty-two-characters',
      'https://billing.example',
      300,
      () => clock,
    );
    expect(other.verify(ID, expires, signature)).toBe(false);
  });
});

describe('signed e-invoice links', () => {
  const clock = new Date('2026-11-24T10:00:00Z');
  const signer = new InvoiceLinkSigner(
    'a-link-secret-of-at-least-thirty-two-characters',
    'https://billing.example',
    300,
    () => clock,
  );

  it('names the Factur-X file and opens only the e-invoice, never the PDF, and the other way round', () => {
    const url = signer.url(ID, 'e-invoice');
    expect(url).toMatch(
      new RegExp(`^https://billing.example/invoices/${ID}\\.factur-x\\.pdf\\?expires=\\d+&signature=`),
    );
    const [expires, signature] = parts(url);
    expect(signer.verify(ID, expires, signature, 'e-invoice')).toBe(true);
    expect(signer.verify(ID, expires, signature, 'pdf')).toBe(false);
    const [pdfExpires, pdfSignature] = parts(signer.url(ID));
    expect(signer.verify(ID, pdfExpires, pdfSignature, 'e-invoice')).toBe(false);
  });
});
