import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { useTestApi } from '../harness/test-context.js';

/**
 * The API contract kept through the conversation core (issue 16): the OpenAPI document the API
 * served before it (`test/fixtures/openapi/before-conversations.json`, made by running this spec with
 * RELAIS_WRITE_API_CONTRACT=1 on commit 6f82990) against today's. Additions are allowed (new paths,
 * methods, responses, schemas, optional properties, properties of responses, enum values); anything an
 * existing client relies on is not.
 */
const BASELINE = new URL('../fixtures/openapi/before-conversations.json', import.meta.url);

type Json = Record<string, unknown>;
interface Doc {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
}

/** A schema's shape for comparison: $ref by name, the fields that change what a client may send or read. */
function shape(schema: unknown): unknown {
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Json;
  if (typeof s.$ref === 'string') return { $ref: s.$ref };
  const out: Json = {};
  for (const key of ['type', 'format', 'enum', 'nullable', 'oneOf', 'anyOf', 'allOf']) if (s[key] !== undefined) out[key] = s[key];
  if (s.items) out.items = shape(s.items);
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(shape(a)) === JSON.stringify(shape(b));

/**
 * A property the old document typed as a bare `object` (no properties, no $ref) and the new one as
 * a scalar: the old type was the reflection of an entity's `Opt<boolean>` (an intersection type, so
 * `Object` at run time), never what the JSON held. Naming the real type is a correction, listed on
 * its own (`typeCorrections`), not a break: no client could have relied on "an object" there.
 */
const corrected = (a: unknown, b: unknown) =>
  JSON.stringify(shape(a)) === '{"type":"object"}' && ['boolean', 'string', 'number', 'integer'].includes((shape(b) as Json).type as string);

/**
 * The same type whose enum only gained values (a new account kind, `worker`): an addition, listed on
 * its own (`enumWidenings`) so each one is seen, not a break.
 */
const widened = (a: unknown, b: unknown) => {
  const [x, y] = [shape(a) as Json, shape(b) as Json];
  if (!Array.isArray(x?.enum) || !Array.isArray(y?.enum)) return false;
  const values = new Set(y.enum as unknown[]);
  return (x.enum as unknown[]).every((v) => values.has(v)) && JSON.stringify({ ...x, enum: null }) === JSON.stringify({ ...y, enum: null });
};

/** Each enum that gained values, one line (parameters and schema properties). */
export function enumWidenings(before: Doc, after: Doc): string[] {
  const out: string[] = [];
  const added = (a: unknown, b: unknown) => ((shape(b) as Json).enum as unknown[]).filter((v) => !((shape(a) as Json).enum as unknown[]).includes(v)).join(', ');
  for (const [path, methods] of Object.entries(before.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const now = new Map((((after.paths[path]?.[method]?.parameters as Json[] | undefined) ?? [])).map((p) => [`${p.in as string}:${p.name as string}`, p]));
      for (const p of (op.parameters as Json[] | undefined) ?? []) {
        const q = now.get(`${p.in as string}:${p.name as string}`);
        if (q && !same(p.schema, q.schema) && widened(p.schema, q.schema)) out.push(`${method.toUpperCase()} ${path}: parameter ${p.in as string}:${p.name as string} gained ${added(p.schema, q.schema)}`);
      }
    }
  }
  for (const [name, schema] of Object.entries(before.components.schemas)) {
    const now = (after.components.schemas[name]?.properties ?? {}) as Record<string, unknown>;
    for (const [prop, value] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
      if (prop in now && !same(value, now[prop]) && widened(value, now[prop])) out.push(`schema ${name}: property ${prop} gained ${added(value, now[prop])}`);
    }
  }
  return out;
}

/** The schemas request bodies name: a new required property there is one an existing client does not send. */
function requestSchemas(doc: Doc): Set<string> {
  const names = new Set<string>();
  for (const methods of Object.values(doc.paths)) {
    for (const op of Object.values(methods)) {
      const ref = (op.requestBody as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined)?.content?.['application/json']?.schema?.$ref;
      if (ref) names.add(ref.split('/').pop()!);
    }
  }
  return names;
}

/** Each correction of a bare `object` type to the scalar the JSON always held, one line. */
export function typeCorrections(before: Doc, after: Doc): string[] {
  const out: string[] = [];
  for (const [name, schema] of Object.entries(before.components.schemas)) {
    const now = (after.components.schemas[name]?.properties ?? {}) as Record<string, unknown>;
    for (const [prop, value] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
      if (prop in now && corrected(value, now[prop])) out.push(`schema ${name}: property ${prop} typed ${(shape(now[prop]) as Json).type as string}`);
    }
  }
  return out;
}

/** Each break, one line: what an existing client would notice. */
export function contractBreaks(before: Doc, after: Doc): string[] {
  const breaks: string[] = [];
  for (const [path, methods] of Object.entries(before.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const where = `${method.toUpperCase()} ${path}`;
      const now = after.paths[path]?.[method];
      if (!now) {
        breaks.push(`${where}: removed`);
        continue;
      }
      const params = (o: Json) => new Map(((o.parameters as Json[] | undefined) ?? []).map((p) => [`${p.in as string}:${p.name as string}`, p]));
      const [oldParams, newParams] = [params(op), params(now)];
      for (const [key, p] of oldParams) {
        const q = newParams.get(key);
        if (!q) breaks.push(`${where}: parameter ${key} removed`);
        else if (!same(p.schema, q.schema) && !widened(p.schema, q.schema)) breaks.push(`${where}: parameter ${key} changed type`);
      }
      for (const [key, q] of newParams) if (!oldParams.has(key) && q.required) breaks.push(`${where}: new required parameter ${key}`);
      const body = (o: Json) => (o.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.['application/json']?.schema;
      if (body(op) && !same(body(op), body(now))) breaks.push(`${where}: request body changed`);
      const responses = (o: Json) => (o.responses as Record<string, { content?: Record<string, { schema?: unknown }> }> | undefined) ?? {};
      for (const [status, response] of Object.entries(responses(op))) {
        const current = responses(now)[status];
        if (!current) {
          breaks.push(`${where} ${status}: response removed`);
          continue;
        }
        for (const [type, content] of Object.entries(response.content ?? {})) {
          if (!same(content.schema, current.content?.[type]?.schema)) breaks.push(`${where} ${status}: ${type} schema changed`);
        }
      }
    }
  }
  const sent = requestSchemas(after);
  for (const [name, schema] of Object.entries(before.components.schemas)) {
    const now = after.components.schemas[name];
    if (!now) {
      breaks.push(`schema ${name}: removed`);
      continue;
    }
    const props = (s: Json) => (s.properties as Record<string, unknown> | undefined) ?? {};
    const required = (s: Json) => new Set((s.required as string[] | undefined) ?? []);
    for (const [prop, value] of Object.entries(props(schema))) {
      if (!(prop in props(now))) breaks.push(`schema ${name}: property ${prop} removed`);
      else if (!same(value, props(now)[prop]) && !corrected(value, props(now)[prop]) && !widened(value, props(now)[prop])) breaks.push(`schema ${name}: property ${prop} changed type`);
      else if (required(schema).has(prop) !== required(now).has(prop)) breaks.push(`schema ${name}: property ${prop} ${required(now).has(prop) ? 'now required' : 'no longer required'}`);
    }
    // A response that gains a property breaks no reader; a request body that requires a new one does.
    for (const prop of required(now)) if (!(prop in props(schema)) && sent.has(name)) breaks.push(`schema ${name}: new required property ${prop}`);
  }
  return breaks;
}

describe('API contract', () => {
  const env = useTestApi();

  it('keeps every path, parameter, body, response and schema of the document before the conversation core (additions only)', async () => {
    const current = (await env.api.http.get('/docs-json').expect(200)).body as Doc;
    if (process.env.RELAIS_WRITE_API_CONTRACT === '1') writeFileSync(BASELINE, `${JSON.stringify(current, null, 2)}\n`);
    const before = JSON.parse(readFileSync(BASELINE, 'utf8')) as Doc;
    expect(Object.keys(before.paths).length).toBeGreaterThan(50);
    // One change made on purpose (issue 20): GET /v1/me names the token of the request, and a
    // console session has none, so `token` is null there. A caller with a token always gets it.
    expect(contractBreaks(before, current)).toEqual(['schema MeResponse: property token changed type']);
    expect(current.components.schemas.MeResponse.properties).toMatchObject({ token: { nullable: true } });
    // The views (issue 16, API responses are never entities) name the types the entities' Opt<…> hid.
    expect(typeCorrections(before, current)).toEqual([
      'schema User: property active typed boolean',
      'schema Structure: property isCopyCircle typed boolean',
      'schema MessageTemplate: property vad typed boolean',
      'schema MessageTemplate: property default typed boolean',
      'schema Mailbox: property verifyCertificate typed boolean',
      'schema Mailbox: property folder typed string',
      'schema Mailbox: property processedFolder typed string',
      'schema Mailbox: property failedFolder typed string',
      'schema Mailbox: property active typed boolean',
      'schema Mailbox: property cursorUid typed number',
    ]);
    // Workers (issue 18): an account kind of their own.
    expect(enumWidenings(before, current)).toEqual([
      'GET /v1/users: parameter query:kind gained worker',
      'schema MeResponse: property kind gained worker',
      'schema User: property kind gained worker',
      'schema RightsTemplate: property kind gained worker',
      'schema CreateRightsTemplateDto: property kind gained worker',
    ]);
  });

  it('names what a client would notice: a removed property, a changed type, a removed route', () => {
    const before: Doc = {
      paths: { '/v1/x': { get: { parameters: [{ in: 'query', name: 'q', schema: { type: 'string' } }], responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/X' } } } } } } } },
      components: { schemas: { X: { properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['a'] } } },
    };
    const after: Doc = {
      paths: { '/v1/x': { get: { parameters: [{ in: 'query', name: 'q', schema: { type: 'number' } }], responses: {} } }, '/v1/y': { get: {} } },
      components: { schemas: { X: { properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } }, required: ['a'] } } },
    };
    expect(contractBreaks(before, after)).toEqual(['GET /v1/x: parameter query:q changed type', 'GET /v1/x 200: response removed', 'schema X: property b changed type']);
    expect(contractBreaks(before, before)).toEqual([]);
    // An enum that gains a value is an addition; one that loses a value is a break.
    const narrow: Doc = { paths: {}, components: { schemas: { X: { properties: { k: { type: 'string', enum: ['a', 'b'] } } } } } };
    const wide: Doc = { paths: {}, components: { schemas: { X: { properties: { k: { type: 'string', enum: ['a', 'b', 'c'] } } } } } };
    expect(contractBreaks(narrow, wide)).toEqual([]);
    expect(enumWidenings(narrow, wide)).toEqual(['schema X: property k gained c']);
    expect(contractBreaks(wide, narrow)).toEqual(['schema X: property k changed type']);
    // A new required property breaks a request body's senders, not a response's readers.
    const grown: Doc = { paths: {}, components: { schemas: { X: { properties: { k: { type: 'string', enum: ['a', 'b'] }, n: { type: 'string' } }, required: ['n'] } } } };
    expect(contractBreaks(narrow, grown)).toEqual([]);
    const sentX: Doc = { ...grown, paths: { '/v1/x': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/X' } } } } } } } };
    expect(contractBreaks({ ...narrow, paths: sentX.paths }, sentX)).toEqual(['schema X: new required property n']);
    // A bare `object` made a scalar is a correction; any other change of type stays a break.
    const loose: Doc = { paths: {}, components: { schemas: { X: { properties: { a: { type: 'object' }, b: { type: 'string' } } } } } };
    const typed: Doc = { paths: {}, components: { schemas: { X: { properties: { a: { type: 'boolean' }, b: { type: 'object' } } } } } };
    expect(contractBreaks(loose, typed)).toEqual(['schema X: property b changed type']);
    expect(typeCorrections(loose, typed)).toEqual(['schema X: property a typed boolean']);
  });
});
