// Prints the text of src/api/schema.d.ts for the OpenAPI document read on stdin. The root suite's
// check runs it as a child process: openapi-typescript keeps a jest worker from exiting cleanly.
import { text } from 'node:stream/consumers';
import { schemaText } from './schema-text.mjs';

process.stdout.write(await schemaText(JSON.parse(await text(process.stdin))));
