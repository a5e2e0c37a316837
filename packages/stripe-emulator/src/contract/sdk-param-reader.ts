/**
 * Reads the parameters each endpoint accepts from the installed `stripe` SDK's own declaration files with the
 * TypeScript compiler API, so an SDK upgrade updates them. Build/test time only: the emulator never loads
 * TypeScript at run time, it reads the generated JSON.
 */
import path from 'node:path';
import ts from 'typescript';
import type { ParamNode } from './param-node.ts';

const ENTRY = '__stripe_sdk_params__.ts';

export interface SdkContract {
  params: Record<string, ParamNode>;
  /** Per object type (`customer`, `invoice`): the dotted paths `expand[]` may name. */
  expandable: Record<string, string[]>;
}

export function readSdkContract(
  paramTypes: readonly string[],
  objectTypes: readonly string[],
  projectRoot: string,
): SdkContract {
  const { checker, aliases } = compile([...paramTypes, ...objectTypes], projectRoot);
  const params: Record<string, ParamNode> = {};
  const expandable: Record<string, string[]> = {};
  for (const [name, type] of aliases) {
    if (paramTypes.includes(name)) params[name] = describe(checker, type, 0);
    else expandable[objectName(checker, type, name)] = expandablePaths(checker, type, [], 0).sort();
  }
  return { params, expandable };
}

/** Compiles `Stripe.<name>` for each name against the installed SDK: the checker and each name's type. */
export function compile(
  typeNames: readonly string[],
  projectRoot: string,
): { checker: ts.TypeChecker; aliases: Map<string, ts.Type> } {
  const entry = path.join(projectRoot, ENTRY);
  const source = [
    "import type Stripe from 'stripe';",
    ...typeNames.map((name, i) => `export type P${i} = Stripe.${name};`),
  ].join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => (file === entry ? source : readFile(file));
  host.fileExists = (
    (exists) => (file: string) =>
      file === entry || exists(file)
  )(host.fileExists.bind(host));
  host.getSourceFile = (file, language, onError) =>
    file === entry ? ts.createSourceFile(file, source, language) : getSourceFile(file, language, onError);
  const program = ts.createProgram([entry], options, host);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entry);
  if (!file) throw new Error('the SDK parameter entry did not compile');
  const problems = ts
    .getPreEmitDiagnostics(program, file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length > 0) throw new Error(`unknown SDK parameter types:\n${problems.join('\n')}`);
  const aliases = new Map<string, ts.Type>();
  for (const statement of file.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    aliases.set(typeNames[Number(statement.name.text.slice(1))] as string, checker.getTypeAtLocation(statement));
  }
  return { checker, aliases };
}

function objectName(checker: ts.TypeChecker, type: ts.Type, typeName: string): string {
  const property = type.getProperty('object');
  const declaration = property?.valueDeclaration;
  const value = property && declaration ? checker.getTypeOfSymbolAtLocation(property, declaration) : undefined;
  if (!value?.isStringLiteral()) throw new Error(`${typeName} has no literal \`object\``);
  return value.value;
}

/**
 * A property is expandable when the SDK types it as an id or the object it names (`string | Stripe.Customer`);
 * nested plain objects (`invoice_settings`, `parent.subscription_details`) are searched, other objects are not.
 */
function expandablePaths(checker: ts.TypeChecker, type: ts.Type, prefix: string[], depth: number): string[] {
  const paths: string[] = [];
  for (const property of checker.getPropertiesOfType(type)) {
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (!declaration) continue;
    const members = ((t) => (t.isUnion() ? t.types : [t]))(checker.getTypeOfSymbolAtLocation(property, declaration));
    const objects = members.filter((member) => member.flags & ts.TypeFlags.Object && !checker.isArrayType(member));
    const here = [...prefix, property.getName()];
    if (
      members.some((member) => member.flags & ts.TypeFlags.String) &&
      objects.some((member) => member.getProperty('id'))
    )
      paths.push(here.join('.'));
    else if (depth < 3)
      for (const object of objects.filter((member) => !member.getProperty('object')))
        paths.push(...expandablePaths(checker, object, here, depth + 1));
  }
  return paths;
}

const MAX_DEPTH = 8;

function describe(checker: ts.TypeChecker, type: ts.Type, depth: number): ParamNode {
  const node: ParamNode = {};
  const scalars = new Set<'string' | 'number' | 'boolean'>();
  const literals = new Set<string>();
  let anyString = false;
  let otherString = false;
  for (const member of type.isUnion() ? type.types : [type]) {
    const flags = member.flags;
    if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) continue;
    if (member.isStringLiteral()) {
      if (member.value === '') node.empty = true;
      else literals.add(member.value);
    } else if (flags & ts.TypeFlags.String) {
      anyString = true;
      scalars.add('string');
    } else if (flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) {
      scalars.add('number');
    } else if (flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) {
      scalars.add('boolean');
    } else if (member.isIntersection() && member.types.some((part) => part.flags & ts.TypeFlags.String)) {
      // `OtherString` (`string & Record<never, never>`) only keeps the SDK open to values added later; the
      // listed literals are what Stripe accepts today, so alone it is a string and beside literals nothing.
      otherString = true;
    } else if (isDecimal(member)) {
      scalars.add('number');
    } else if (checker.isArrayType(member)) {
      const element = checker.getTypeArguments(member as ts.TypeReference)[0];
      if (element && depth < MAX_DEPTH) node.items = merge(node.items, describe(checker, element, depth + 1));
    } else if (flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) {
      if (checker.getIndexInfoOfType(member, ts.IndexKind.String)) node.map = true;
      for (const property of checker.getPropertiesOfType(member)) {
        if (depth >= MAX_DEPTH) break;
        const declaration = property.valueDeclaration ?? property.declarations?.[0];
        if (!declaration) continue;
        node.props ??= {};
        node.props[property.getName()] = merge(
          node.props[property.getName()],
          describe(checker, checker.getTypeOfSymbolAtLocation(property, declaration), depth + 1),
        );
      }
    }
  }
  if (otherString && literals.size === 0) scalars.add('string');
  if (literals.size > 0 && !anyString) node.enum = [...literals].sort();
  else if (literals.size > 0) scalars.add('string');
  if (scalars.size > 0) node.scalar = [...scalars].sort();
  return node;
}

/** The SDK's branded `Decimal` (a class behind an intersection): sent as a decimal string. */
export function isDecimal(type: ts.Type): boolean {
  const parts = type.isIntersection() ? type.types : [type];
  return parts.some((part) => /^Decimal/.test(part.getSymbol()?.getName() ?? part.aliasSymbol?.getName() ?? ''));
}

function merge(a: ParamNode | undefined, b: ParamNode): ParamNode {
  if (!a) return b;
  const merged: ParamNode = { ...a };
  if (b.empty) merged.empty = true;
  if (b.map) merged.map = true;
  if (b.scalar) merged.scalar = [...new Set([...(a.scalar ?? []), ...b.scalar])].sort();
  if (b.enum) merged.enum = [...new Set([...(a.enum ?? []), ...b.enum])].sort();
  if (b.items) merged.items = merge(a.items, b.items);
  if (b.props) {
    merged.props = { ...a.props };
    for (const [key, value] of Object.entries(b.props)) merged.props[key] = merge(merged.props[key], value);
  }
  return merged;
}
