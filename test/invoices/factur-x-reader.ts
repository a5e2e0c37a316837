// Reads a Factur-X PDF back as a receiver would: the attached `factur-x.xml` (with pdf-lib, which also shows
// the file's AFRelationship and the catalog's /AF array), the XMP metadata (with pdf.js), and the CII XML
// parsed into a DOM (xmlbuilder2), queried by namespace-qualified paths.
import { PDFDocument, PDFName, PDFArray, AFRelationship } from '@cantoo/pdf-lib';
import { create } from 'xmlbuilder2';

const pdfjs = require('pdfjs-dist/legacy/build/pdf.js') as typeof import('pdfjs-dist');

const NAMESPACES: Record<string, string> = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
};

export interface FacturXFile {
  xml: string;
  attachment: { name: string; mimeType: string | undefined; afRelationship: AFRelationship | undefined };
  /** Whether the catalog lists the attachment among its associated files (/AF), as PDF/A-3 requires. */
  catalogHasAssociatedFiles: boolean;
  xmp: string;
}

export async function readFacturX(pdf: Buffer): Promise<FacturXFile> {
  const document = await PDFDocument.load(new Uint8Array(pdf));
  const attachments = document.getAttachments();
  if (attachments.length !== 1 || !attachments[0])
    throw new Error(`expected exactly one attachment, found ${attachments.length}`);
  const [attachment] = attachments;
  const associated = document.catalog.lookupMaybe(PDFName.of('AF'), PDFArray);
  const loaded = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  }).promise;
  const { metadata } = await loaded.getMetadata();
  return {
    xml: Buffer.from(attachment.data).toString('utf8'),
    attachment: { name: attachment.name, mimeType: attachment.mimeType, afRelationship: attachment.afRelationship },
    catalogHasAssociatedFiles: (associated?.size() ?? 0) > 0,
    xmp: metadata?.getRaw() ?? '',
  };
}

/** The part of the DOM (xmlbuilder2's) the queries need. */
export interface XmlElement {
  nodeType: number;
  localName: string | null;
  namespaceURI: string | null;
  childNodes: ArrayLike<XmlElement>;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

/** A CII document queried with paths like `rsm:ExchangedDocument/ram:ID`. */
export class CiiDocument {
  private readonly root: XmlElement;

  constructor(xml: string) {
    this.root = (create(xml).node as unknown as { documentElement: XmlElement }).documentElement;
  }

  /** Every element at the path, from the root (or from `from`). */
  all(path: string, from: XmlElement = this.root): XmlElement[] {
    return path.split('/').reduce<XmlElement[]>(
      (elements, step) => {
        const [prefix = '', localName = ''] = step.split(':');
        return elements.flatMap((element) =>
          Array.from(element.childNodes).filter(
            (child) =>
              child.nodeType === 1 && child.localName === localName && child.namespaceURI === NAMESPACES[prefix],
          ),
        );
      },
      [from],
    );
  }

  /** The text of the one element at the path; throws when there is none or several. */
  text(path: string, from?: XmlElement): string {
    const found = this.all(path, from);
    if (found.length !== 1 || !found[0]) throw new Error(`expected one ${path}, found ${found.length}`);
    return found[0].textContent ?? '';
  }

  /** The text at the path, or null when the element is absent. */
  optional(path: string, from?: XmlElement): string | null {
    return this.all(path, from).length === 0 ? null : this.text(path, from);
  }

  get rootName(): string {
    return `${this.root.namespaceURI}#${this.root.localName}`;
  }
}
