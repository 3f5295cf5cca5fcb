import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from the system generator at once, for this many ids. */
const POOL_IDS = 512;
const ID_RANDOM_BYTES = 10;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const pool = new Uint8Array(POOL_IDS * ID_RANDOM_BYTES);
let poolAt = pool.length;
let lastMs = -1;
/** 30-bit counter within the current millisecond, seeded at random each new millisecond. */
let counter = 0;

function random(): Uint8Array {
  if (poolAt + ID_RANDOM_BYTES > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const bytes = pool.subarray(poolAt, poolAt + ID_RANDOM_BYTES);
  poolAt += ID_RANDOM_BYTES;
  return bytes;
}

/**
 * A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 30-bit counter (RFC 9562 §6.2,
 * method 1) seeded at random each millisecond and incremented within it, so ids made by one
 * process sort in the order they were made; then 44 random bits. The random bytes come from a
 * pool refilled from the system generator every few hundred ids: asking it for 16 bytes per id
 * cost more than the rest of the id (a batch of inbound mail makes thousands).
 */
export function newId(): string {
  const bytes = random();
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    // The top bit stays clear: a millisecond has room for 2^29 ids before borrowing the next one.
    counter = ((bytes[6] << 24) | (bytes[7] << 16) | (bytes[8] << 8) | bytes[9]) >>> 3;
  } else {
    counter = (counter + 1) & 0x3fffffff;
    if (counter === 0) lastMs += 1;
    ms = lastMs;
  }
  const high = Math.floor(ms / 0x1000000);
  const low = ms % 0x1000000;
  return (
    HEX[(high >>> 16) & 0xff] + HEX[(high >>> 8) & 0xff] + HEX[high & 0xff] + HEX[(low >>> 16) & 0xff] + '-' +
    HEX[(low >>> 8) & 0xff] + HEX[low & 0xff] + '-' +
    // version 7, then the counter's top 12 bits
    HEX[0x70 | ((counter >>> 26) & 0x0f)] + HEX[(counter >>> 18) & 0xff] + '-' +
    // variant 10, then the counter's low 18 bits (6 + 8 + 4)
    HEX[0x80 | ((counter >>> 12) & 0x3f)] + HEX[(counter >>> 4) & 0xff] + '-' +
    // then the counter's last 4 bits and 44 random bits
    HEX[((counter & 0x0f) << 4) | (bytes[0] & 0x0f)] + HEX[bytes[1]] + HEX[bytes[2]] + HEX[bytes[3]] + HEX[bytes[4]] + HEX[bytes[5]]
  );
}
