/**
 * Checks a JSON value against the installed SDK's own type for it (`Stripe.Invoice`, ...), read with the
 * TypeScript compiler API: every key declared (free-form maps aside), every required key present, every
 * value of a JSON kind the type allows, `null` only where the type says `| null`, a string within its
 * literal union when the type lists literals (`OtherString`, the SDK's opening for future values, does not
 * widen it), and every element of every array.
 */
import path from 'node:path';
import ts from 'typescript';
import { compile, isDecimal } from '../src/contract/sdk-param-reader.ts';

const MAX_DEPTH = 10;

export class SdkConformance {
  private readonly checker: ts.TypeChecker;
  private readonly types: Map<string, ts.Type>;

  constructor(typeNames: readonly string[]) {
    ({ checker: this.checker, aliases: this.types } = compile(typeNames, path.resolve(__dirname, '..')));
  }

  /** Every way `value` departs from `Stripe.<typeName>`, as `kind path: detail`. */
  differences(typeName: string, value: unknown): string[] {
    const type = this.types.get(typeName);
    if (!type) throw new Error(`Stripe.${typeName} was not compiled`);
    return this.check(type, value, '', 0);
  }

  private check(type: ts.Type, value: unknown, at: string, depth: number): string[] {
    const members = type.isUnion() ? type.types : [type];
    if (members.some((member) => member.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return [];
    if (value === null) return members.some((member) => member.flags & ts.TypeFlags.Null) ? [] : [`not nullable ${at}`];
    if (typeof value === 'string') return this.checkString(members, value, at);
    if (typeof value === 'number')
      return members.some((member) => member.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral))
        ? []
        : [`type ${at}: number`];
    if (typeof value === 'boolean')
      return members.some((member) => member.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral))
        ? []
        : [`type ${at}: boolean`];
    if (depth > MAX_DEPTH) return [];
    if (Array.isArray(value)) {
      const array = members.find((member) => this.checker.isArrayType(member));
      if (!array) return [`type ${at}: array`];
      const element = this.checker.getTypeArguments(array as ts.TypeReference)[0]!;
      return value.flatMap((item) => this.check(element, item, `${at}[]`, depth + 1));
    }
    const objects = members.filter(
      (member) => member.flags & ts.TypeFlags.Object && !this.checker.isArrayType(member) && !isDecimal(member),
    );
    if (objects.length === 0) return [`type ${at}: object`];
    // Of `Customer | DeletedCustomer`, the member naming the same `object` and `deleted`, else the closest.
    const candidates = objects.map((member) => this.checkObject(member, value as Record<string, unknown>, at, depth));
    return candidates.reduce((best, found) => (found.length < best.length ? found : best));
  }

  private checkString(members: readonly ts.Type[], value: string, at: string): string[] {
    const literals = members
      .filter((member) => member.isStringLiteral())
      .map((member) => (member as ts.StringLiteralType).value);
    if (members.some((member) => member.flags & ts.TypeFlags.String || isDecimal(member))) return [];
    if (literals.length > 0)
      return literals.includes(value)
        ? []
        : [`value ${at}: ${JSON.stringify(value)} is not one of ${literals.join(', ')}`];
    // An id where the type also allows the object it names (`string | Stripe.Customer`) is a string member.
    return members.some(
      (member) => member.isIntersection() && member.types.some((part) => part.flags & ts.TypeFlags.String),
    )
      ? []
      : [`type ${at}: string`];
  }

  private checkObject(type: ts.Type, value: Record<string, unknown>, at: string, depth: number): string[] {
    const index = this.checker.getIndexInfoOfType(type, ts.IndexKind.String);
    const differences: string[] = [];
    for (const [key, child] of Object.entries(value)) {
      const property = type.getProperty(key);
      const here = at ? `${at}.${key}` : key;
      if (property) differences.push(...this.check(this.propertyType(property), child, here, depth + 1));
      else if (index) differences.push(...this.check(index.type, child, here, depth + 1));
      else differences.push(`undeclared ${here}`);
    }
    for (const property of this.checker.getPropertiesOfType(type)) {
      if (!(property.flags & ts.SymbolFlags.Optional) && !(property.getName() in value))
        differences.push(`missing ${at ? `${at}.` : ''}${property.getName()}`);
    }
    return differences;
  }

  private propertyType(property: ts.Symbol): ts.Type {
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    return declaration ? this.checker.getTypeOfSymbolAtLocation(property, declaration) : this.checker.getAnyType();
  }
}
