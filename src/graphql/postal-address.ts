export interface PostalAddressView {
  line1: string | null;
  line2: string | null;
  postalCode: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
}

/** Null when every part is empty, so clients test one field for "no address". */
export function postalAddress(parts: PostalAddressView): PostalAddressView | null {
  return Object.values(parts).some((part) => part !== null && part !== '') ? parts : null;
}
