import { describe, expect, it } from '@jest/globals';
import { uidSet } from './imapflow-mailbox.client.js';

describe('uidSet', () => {
  it('writes runs of consecutive UIDs as ranges and the rest one by one', () => {
    expect(uidSet([3, 5, 6, 7, 8, 9, 12])).toBe('3,5:9,12');
    expect(uidSet([1, 2])).toBe('1:2');
    expect(uidSet([42])).toBe('42');
  });

  it('keeps a 200-UID batch short however it is laid out', () => {
    expect(uidSet(Array.from({ length: 200 }, (_, i) => 1001 + i))).toBe('1001:1200');
    expect(uidSet(Array.from({ length: 200 }, (_, i) => 1 + 2 * i)).split(',')).toHaveLength(200);
  });
});
