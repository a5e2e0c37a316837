// A map from owner id to a small number (0 to MAX_VALUE, 254), held in typed arrays rather than a JS Map:
// a million owners cost about 30 MB outside the JS heap (the ids' bytes, an offset, a length and a value each, and a slot
// table), where a Map<string, number> costs about 55 MB of heap that every major GC walks, and twice the
// table while it grows. Ids that are not ASCII, or longer than 255 characters, go to a plain Map.
// A deleted id keeps its bytes (its slot is reused if it comes back) until `clear`.

const REMOVED = 255;
const INITIAL_SLOTS = 1024;

export class OwnerIndex {
  static readonly MAX_VALUE = REMOVED - 1;
  private bytes = new Uint8Array(16 * 1024);
  private used = 0;
  private offsets = new Uint32Array(1024);
  private lengths = new Uint8Array(1024);
  private values = new Uint8Array(1024);
  /** Entries ever added (live or removed). */
  private entries = 0;
  /** Open addressing, linear probing: entry number + 1, 0 for an empty slot. */
  private slots = new Int32Array(INITIAL_SLOTS);
  private live = 0;
  private readonly others = new Map<string, number>();

  get size(): number {
    return this.live + this.others.size;
  }

  get(id: string): number | undefined {
    if (!compactable(id)) return this.others.get(id);
    const entry = this.slots[this.find(id)]! - 1;
    if (entry < 0) return undefined;
    const value = this.values[entry]!;
    return value === REMOVED ? undefined : value;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  set(id: string, value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > OwnerIndex.MAX_VALUE)
      throw new RangeError(`OwnerIndex holds 0 to ${OwnerIndex.MAX_VALUE}, not ${value}`);
    if (!compactable(id)) {
      this.others.set(id, value);
      return;
    }
    const slot = this.find(id);
    const existing = this.slots[slot]! - 1;
    if (existing >= 0) {
      if (this.values[existing] === REMOVED) this.live++;
      this.values[existing] = value;
      return;
    }
    const entry = this.append(id, value);
    this.slots[slot] = entry + 1;
    this.live++;
    if (this.entries * 2 > this.slots.length) this.rehash(this.slots.length * 2);
  }

  delete(id: string): void {
    if (!compactable(id)) {
      this.others.delete(id);
      return;
    }
    const entry = this.slots[this.find(id)]! - 1;
    if (entry < 0 || this.values[entry] === REMOVED) return;
    this.values[entry] = REMOVED;
    this.live--;
  }

  clear(): void {
    this.bytes = new Uint8Array(16 * 1024);
    this.used = 0;
    this.offsets = new Uint32Array(1024);
    this.lengths = new Uint8Array(1024);
    this.values = new Uint8Array(1024);
    this.entries = 0;
    this.slots = new Int32Array(INITIAL_SLOTS);
    this.live = 0;
    this.others.clear();
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  private find(id: string): number {
    const mask = this.slots.length - 1;
    for (let slot = hash(id) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0 || this.matches(entry, id)) return slot;
    }
  }

  private matches(entry: number, id: string): boolean {
    if (this.lengths[entry] !== id.length) return false;
    const start = this.offsets[entry]!;
    for (let i = 0; i < id.length; i++) if (this.bytes[start + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private append(id: string, value: number): number {
    const entry = this.entries++;
    if (entry === this.offsets.length) {
      this.offsets = grown(this.offsets, entry * 2);
      this.lengths = grown(this.lengths, entry * 2);
      this.values = grown(this.values, entry * 2);
    }
    if (this.used + id.length > this.bytes.length)
      this.bytes = grown(this.bytes, Math.max(this.bytes.length * 2, this.used + id.length));
    for (let i = 0; i < id.length; i++) this.bytes[this.used + i] = id.charCodeAt(i);
    this.offsets[entry] = this.used;
    this.lengths[entry] = id.length;
    this.values[entry] = value;
    this.used += id.length;
    return entry;
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let entry = 0; entry < this.entries; entry++) {
      let slot = hashBytes(this.bytes, this.offsets[entry]!, this.lengths[entry]!) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

function compactable(id: string): boolean {
  if (id.length > 255) return false;
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) > 127) return false;
  return true;
}

// FNV-1a, over the same code units whether read from a string or from the stored bytes.
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function hashBytes(bytes: Uint8Array, start: number, length: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < start + length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function grown<T extends Uint8Array | Uint32Array>(array: T, length: number): T {
  const larger = new (array.constructor as new (length: number) => T)(length);
  larger.set(array);
  return larger;
}
