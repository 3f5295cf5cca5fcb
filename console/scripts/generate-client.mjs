// Regenerates src/api/schema.d.ts from the API's OpenAPI document, built from the API's code without
// a running server or database (test/tools/write-openapi.ts at the repository's root).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaText } from './schema-text.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const json = execFileSync(process.execPath, ['--import', '@swc-node/register/esm-register', 'test/tools/write-openapi.ts', '-'], {
  cwd: root,
  maxBuffer: 64 * 1024 * 1024,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const target = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));
writeFileSync(target, await schemaText(JSON.parse(json.toString('utf8'))));
console.log(`wrote ${target}`);
