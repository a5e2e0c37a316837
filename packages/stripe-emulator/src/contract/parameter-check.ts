import type { FormObject, FormValue } from '../http/form-body.ts';
import { StripeApiError, parameterInvalid } from '../stripe-error.ts';
import type { EndpointContract } from './endpoint-contracts.ts';
import type { ParamNode } from './param-node.ts';
import generated from './sdk-params.generated.json';

const SDK_TYPES = (generated as { types: Record<string, ParamNode> }).types;

/**
 * Refuses what Stripe refuses before any state changes: a parameter the SDK does not know is
 * `Received unknown parameter: <name>`; one Stripe knows but the emulator does not implement is a 400
 * `parameter_not_emulated`; a value of the wrong kind (`amount=abc`, a `payment_behavior` outside its literals)
 * is `parameter_invalid`.
 */
export function checkParameters(form: FormObject, contract: EndpointContract): void {
  const root = SDK_TYPES[contract.sdk];
  if (!root) throw new Error(`no generated SDK parameters for ${contract.sdk}: run npm run stripe-emulator:params`);
  walkObject(form, root, [], '', contract.emulated);
}

export function unknownParameter(name: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_unknown',
    message: `Received unknown parameter: ${name}`,
    param: name,
    doc_url: 'https://stripe.com/docs/error-codes/parameter-unknown',
  });
}

export function notEmulated(name: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_not_emulated',
    message: `The parameter ${name} exists in Stripe's API but is not emulated by the Stripe emulator; the emulator refuses it rather than ignore it.`,
    param: name,
  });
}

function walkObject(
  value: FormObject,
  node: ParamNode,
  path: string[],
  prefix: string,
  emulated: readonly string[],
): void {
  for (const key of Object.keys(value)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    const child = node.props?.[key];
    const entry = value[key] as FormValue;
    if (!child) {
      if (!node.map) throw unknownParameter(name);
      if (typeof entry !== 'string') throw parameterInvalid(name, `Invalid ${prefix}: values must be strings`);
      continue;
    }
    const dotted = [...path, key].join('.');
    const covered = emulated.some((accepted) => dotted === accepted || dotted.startsWith(`${accepted}.`));
    if (!covered && !emulated.some((accepted) => accepted.startsWith(`${dotted}.`))) throw notEmulated(name);
    walkValue(entry, child, [...path, key], name, emulated);
  }
}

function walkValue(value: FormValue, node: ParamNode, path: string[], name: string, emulated: readonly string[]): void {
  if (typeof value === 'string') {
    checkScalar(value, node, name);
    return;
  }
  if (Array.isArray(value)) {
    if (!node.items) throw parameterInvalid(name, `Invalid ${describeKind(node)}`);
    value.forEach((item, index) => walkValue(item, node.items as ParamNode, path, `${name}[${index}]`, emulated));
    return;
  }
  if (!node.props && !node.map) throw parameterInvalid(name, `Invalid ${describeKind(node)}`);
  walkObject(value, node, path, name, emulated);
}

function checkScalar(value: string, node: ParamNode, name: string): void {
  if (value === '') {
    // `''` unsets a field (Stripe's `Emptyable`) or gives an empty string.
    if (node.empty || node.scalar?.includes('string') || node.scalar === undefined) return;
  }
  const scalar = node.scalar ?? [];
  if (node.enum?.includes(value) || scalar.includes('string')) return;
  if (scalar.includes('number') && /^-?\d+(\.\d+)?$/.test(value)) return;
  if (scalar.includes('boolean') && (value === 'true' || value === 'false')) return;
  if (node.enum) throw parameterInvalid(name, `Invalid ${name}: must be one of ${node.enum.join(', ')}`);
  if (scalar.includes('number')) throw parameterInvalid(name, `Invalid integer: ${value}`);
  if (scalar.includes('boolean')) throw parameterInvalid(name, `Invalid boolean: ${value}`);
  throw parameterInvalid(name, `Invalid ${describeKind(node)}`);
}

function describeKind(node: ParamNode): string {
  if (node.items) return 'array';
  if (node.props || node.map) return 'object';
  return node.scalar?.[0] ?? 'value';
}
