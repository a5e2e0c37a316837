// The e-invoice of a legal document: its frozen PDF made a Factur-X (EN 16931 profile) PDF/A-3, with the
// CII XML attached as `factur-x.xml` (AFRelationship Alternative) and the fx: XMP metadata, by
// @e-invoice-eu/core. No network, no LibreOffice: the PDF is ours, the library adds the XML and PDF/A-3 parts.
import { createRequire } from 'node:module';
import {
  FormatFactoryService,
  ValidationService,
  invoiceSchema,
  type EInvoiceFormat,
  type Invoice,
  type Logger,
} from '@e-invoice-eu/core';
import { facturXInvoice } from './factur-x-mapping.ts';
import type { LegalInvoiceDocument } from './legal-invoice.ts';

const FORMAT = 'Factur-X-EN16931';

/** The library logs only what goes wrong (an invalid input), then throws: its messages explain the error. */
function collectingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    log: () => undefined,
    warn: (message) => messages.push(message),
    error: (message) => messages.push(message),
  };
}

type Validator = Parameters<ValidationService['validate']>[1];

/**
 * The library's own check of an input against its EN 16931 schema (what its InvoiceService runs before
 * writing), compiled once per process with the library's own Ajv: compiling the schema takes seconds.
 */
let validator: Validator | null = null;
function schemaValidator(format: EInvoiceFormat): Validator {
  if (validator) return validator;
  const fromLibrary = createRequire(createRequire(__filename).resolve('@e-invoice-eu/core'));
  const { default: Ajv2019 } = fromLibrary('ajv/dist/2019') as {
    default: new (options: object) => { compile(schema: unknown): Validator };
  };
  const schema = structuredClone(invoiceSchema);
  format.patchSchema(schema);
  validator = new Ajv2019({ strict: true, allErrors: true, useDefaults: true }).compile(schema);
  return validator;
}

export async function renderFacturX(document: LegalInvoiceDocument, pdf: Buffer): Promise<Buffer> {
  const invoice = facturXInvoice(document);
  const logger = collectingLogger();
  try {
    const factory = new FormatFactoryService();
    const format = factory.createFormatService(FORMAT, logger);
    new ValidationService(logger).validate('invoice data', schemaValidator(format), structuredClone(invoice));
    const generated = withFlatPrecedingInvoice(invoice);
    format.fillInvoiceDefaults(generated);
    const bytes = await format.generate(generated, {
      format: factory.normalizeFormat(FORMAT),
      lang: 'en',
      noWarnings: true,
      pdf: { buffer: pdf, filename: `${document.number}.pdf`, mimetype: 'application/pdf' },
    });
    if (typeof bytes === 'string') throw new Error(`${FORMAT} produced XML where a PDF was expected`);
    return Buffer.from(bytes);
  } catch (error) {
    throw new Error(
      `the e-invoice of ${document.number} could not be made: ${[...logger.messages, String(error)].join('\n')}`,
      { cause: error },
    );
  }
}

/**
 * @e-invoice-eu/core 2.3.4 validates BG-3 as cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID but
 * its CII mapping reads cac:BillingReference/cbc:ID, so BT-25 would be dropped from a credit note. After its
 * schema check, the reference is also given where the mapping reads it. BT-26 is left out: the library
 * writes it as udt:DateTimeString where CII wants qdt:, and our numbers are unique without it.
 */
function withFlatPrecedingInvoice(invoice: Invoice): Invoice {
  const copy = structuredClone(invoice);
  const references = copy['ubl:Invoice']['cac:BillingReference'];
  if (references) {
    copy['ubl:Invoice']['cac:BillingReference'] = references.map(
      (reference) =>
        ({ 'cbc:ID': reference['cac:InvoiceDocumentReference']['cbc:ID'] }) as unknown as (typeof references)[number],
    );
  }
  return copy;
}
