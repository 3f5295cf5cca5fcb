import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from './openapi-document.js';

/**
 * `node --import @swc-node/register/esm-register test/tools/write-openapi.ts <file|->`: writes the
 * API's OpenAPI document (to stdout with `-`); the console's `npm run generate:api` uses it.
 */
const target = process.argv[2];
if (!target) throw new Error('usage: write-openapi.ts <output.json | ->');
const text = `${JSON.stringify(await buildOpenApiDocument(), null, 2)}\n`;
if (target === '-') process.stdout.write(text);
else writeFileSync(target, text);
