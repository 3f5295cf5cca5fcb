import { createHash } from 'node:crypto';

/**
 * The id of the conversation opened for an inbound item (by a rule, or from the quarantine): derived from the item's own id (a
 * name-based UUID), so a retry after a crash opens the same conversation and never a second one.
 */
export function openingIdFor(itemKey: string): string {
  const hash = createHash('sha256').update(`relais:routing:${itemKey}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
