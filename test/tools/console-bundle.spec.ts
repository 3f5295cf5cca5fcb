import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';

/** console/dist as the jest global setup built it from the current sources. */
const ASSETS = new URL('../../console/dist/assets/', import.meta.url);
const BUDGET_KB = 250;

describe('the console’s bundle', () => {
  it(`keeps its largest JavaScript chunk under ${BUDGET_KB} kB gzipped (the admin and other screens are chunks of their own)`, () => {
    const chunks = readdirSync(ASSETS)
      .filter((name) => name.endsWith('.js'))
      .map((name) => ({ name, kB: Math.round(gzipSync(readFileSync(new URL(name, ASSETS))).length / 102.4) / 10 }))
      .sort((a, b) => b.kB - a.kB);
    console.log(`console chunks (gzipped): ${chunks.map((c) => `${c.name} ${c.kB} kB`).join(', ')}`);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0].kB).toBeLessThan(BUDGET_KB);
  });
});
