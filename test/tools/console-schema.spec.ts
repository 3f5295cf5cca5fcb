import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { buildOpenApiDocument } from './openapi-document.js';

/**
 * The console's generator (the same function as `npm run generate:api`), run in a child process:
 * openapi-typescript left in a jest worker keeps it from exiting cleanly.
 */
const generator = fileURLToPath(new URL('../../console/scripts/schema-from-stdin.mjs', import.meta.url));
const checkedIn = new URL('../../console/src/api/schema.d.ts', import.meta.url);

describe('the console’s generated API client', () => {
  it('is current: console/src/api/schema.d.ts is what the API’s OpenAPI document generates (else run `npm run console:generate-api`)', async () => {
    const document = JSON.stringify(await buildOpenApiDocument());
    const expected = execFileSync(process.execPath, [generator], { input: document, maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
    const actual = readFileSync(checkedIn, 'utf8');
    // One line of difference names the route or schema that changed, instead of a 6,000-line diff.
    const [want, have] = [expected.split('\n'), actual.split('\n')];
    const at = Array.from({ length: Math.max(want.length, have.length) }, (_, i) => i).find((i) => want[i] !== have[i]);
    expect(at === undefined ? null : { line: at + 1, generated: want[at] ?? '(end)', checkedIn: have[at] ?? '(end)' }).toBeNull();
  });
});
