import fc from 'fast-check';
import { OwnerIndex } from '../../src/billing/customers/owner-index';

type Step = { op: 'set'; id: string; value: number } | { op: 'delete'; id: string } | { op: 'clear' };

// Few distinct ids, so that steps hit the same ids again; ASCII, non-ASCII and over-long ones.
const ids = fc.oneof(
  fc.integer({ min: 0, max: 3000 }).map((n) => `user-${n}`),
  fc.constantFrom('ünïcode', '用户', '', 'x'.repeat(255), 'y'.repeat(256)),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      id: ids,
      value: fc.integer({ min: 0, max: OwnerIndex.MAX_VALUE }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('delete' as const), id: ids }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

describe('the owner index', () => {
  it('answers as a Map would, through growth, deletions and clears', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 3000 }), fc.array(ids, { maxLength: 50 }), (steps, probes) => {
        const index = new OwnerIndex();
        const model = new Map<string, number>();
        for (const s of steps) {
          if (s.op === 'set') {
            index.set(s.id, s.value);
            model.set(s.id, s.value);
          } else if (s.op === 'delete') {
            index.delete(s.id);
            model.delete(s.id);
          } else {
            index.clear();
            model.clear();
          }
        }
        expect(index.size).toBe(model.size);
        for (const id of [...model.keys(), ...probes]) expect(index.get(id)).toBe(model.get(id));
      }),
      { numRuns: 50 },
    );
  });

  it('refuses a value it cannot hold', () => {
    const index = new OwnerIndex();
    expect(() => index.set('a', OwnerIndex.MAX_VALUE + 1)).toThrow(RangeError);
    expect(() => index.set('a', -1)).toThrow(RangeError);
    expect(index.size).toBe(0);
  });
});
