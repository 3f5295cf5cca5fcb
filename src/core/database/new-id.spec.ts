import { describe, expect, it } from '@jest/globals';
import { validate, version } from 'uuid';
import { newId } from './new-id.js';

describe('newId', () => {
  it('makes valid version 7 UUIDs carrying the current time', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after + 1);
  });

  it('sorts ids in the order they were made, many per millisecond, none repeated', () => {
    const ids = Array.from({ length: 50_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps 44 random bits per id: ids made in one millisecond differ beyond their counter', () => {
    const tails = new Set(Array.from({ length: 2_000 }, () => newId().slice(-11)));
    expect(tails.size).toBe(2_000);
  });
});
