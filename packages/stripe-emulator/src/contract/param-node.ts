/**
 * One parameter as the SDK types it: scalar kinds, the allowed literals when the type is a union of them,
 * `''` when Stripe's `Emptyable` allows unsetting, nested properties, array elements, or free keys (`metadata`).
 */
export interface ParamNode {
  scalar?: ('string' | 'number' | 'boolean')[];
  enum?: string[];
  empty?: true;
  props?: Record<string, ParamNode>;
  items?: ParamNode;
  map?: true;
}
