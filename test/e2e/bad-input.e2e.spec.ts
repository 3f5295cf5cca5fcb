import { beforeAll, describe, expect, it } from '@jest/globals';
import { routeTable } from '../../src/core/http/route-table.js';
import { type CompanyWorld, aCompanyWorld } from '../factories/world.factory.js';
import { useTestApi } from '../harness/test-context.js';

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
}
interface Operation {
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const NUL = 'Jean\u0000Dupont';
const LONE_SURROGATE = 'Jean \uD83D Dupont';
const BAD_DATES = ['0000-01-01', '99999-01-01', '-200000-01-01T00:00:00Z', '2026-02-30', '2026-02-30T10:00:00Z'];
// 10 KB of [[[[…]]]]: deep enough to overflow a recursive validator (and JSON.stringify, so
// bodies holding it are sent as raw text).
const NESTED = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const nestedIn = (field: string): string => `{${JSON.stringify(field)}:${NESTED}}`;

/** What one request sent and what a user would have seen. */
interface Outcome {
  what: string;
  status: number;
  code: unknown;
}

describe('bad input on every route', () => {
  const env = useTestApi();
  let world: CompanyWorld;
  let doc: OpenApi;

  beforeAll(async () => {
    world = await aCompanyWorld(env.api.app, env.api.http);
    doc = (await env.api.http.get('/docs-json').expect(200)).body as OpenApi;
  });

  function resolve(schema: Schema | undefined): Schema | undefined {
    if (!schema) return undefined;
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.split('/').pop() ?? '']);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  }

  /** Real ids of the seeded company, so requests reach the handlers rather than a 404. */
  function fill(path: string): string {
    const byCollection: Record<string, string> = {
      clients: world.clientId,
      users: world.operatorId,
      contacts: world.contactId,
      instructions: world.instructionId,
      'rights-templates': world.customTemplateId,
      structures: world.structureId,
      snippets: world.snippetId,
      tokens: world.tokenId,
      messages: world.messageId,
      'message-templates': world.messageTemplateId,
      companies: world.companyId,
    };
    const segments = path.split('/');
    return segments
      .map((segment, index) => {
        if (!segment.startsWith(':')) return segment;
        const name = segment.slice(1);
        if (name === 'clientId') return world.clientId;
        if (name === 'messageId') return world.messageId;
        if (name === 'contactId') return world.contactId;
        if (name === 'userId') return world.operatorId;
        if (name === 'name') return 'message-notification';
        return byCollection[segments[index - 1] ?? ''] ?? '01a209b7-0000-7000-8000-000000000000';
      })
      .join('/');
  }

  /** Bodies that each put one bad value in one field of the route's documented body. */
  function badBodies(schema: Schema | undefined): { what: string; body: unknown }[] {
    const properties = resolve(schema)?.properties ?? {};
    const bodies: { what: string; body: unknown }[] = [];
    for (const [field, raw] of Object.entries(properties)) {
      const property = resolve(raw) ?? {};
      if (!property.nullable) bodies.push({ what: `${field}=null`, body: { [field]: null } });
      bodies.push({ what: `${field}=nested arrays`, body: nestedIn(field) });
      const isDate = property.format === 'date' || property.format === 'date-time';
      if (property.type === 'string' && !isDate) {
        bodies.push({ what: `${field}=NUL`, body: { [field]: NUL } }, { what: `${field}=lone surrogate`, body: { [field]: LONE_SURROGATE } });
      }
      if (property.type === 'array' && resolve(property.items)?.type === 'string') {
        bodies.push({ what: `${field}=[NUL]`, body: { [field]: [NUL] } });
      }
      if (isDate || property.type === 'string') {
        for (const date of BAD_DATES) bodies.push({ what: `${field}=${date}`, body: { [field]: date } });
      }
    }
    return bodies;
  }

  it('answers NUL, lone surrogates, impossible dates, nulls and deep nesting with a 4xx and a code on every /v1 route, never a 5xx', async () => {
    const routes = routeTable(env.api.app).filter((route) => route.path.startsWith('/v1/') && !route.sse);
    const outcomes: Outcome[] = [];
    const started = Date.now();
    for (const route of routes) {
      const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      const url = fill(route.path);
      const operation = doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[method] ?? {};
      const send = async (what: string, query: string, body?: unknown): Promise<void> => {
        const request = env.api.http[method](`${url}${query}`).set('Authorization', world.manager);
        if (typeof body === 'string') request.set('Content-Type', 'application/json');
        const response = body === undefined ? await request : await request.send(body as object);
        outcomes.push({ what: `${route.method} ${route.path} ${what}`, status: response.status, code: (response.body as { code?: unknown }).code });
      };
      await send('?q=%00', '?q=jean%00dupont');
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'query') continue;
        await send(`?${parameter.name}=NUL`, `?${parameter.name}=a%00b`);
        const type = resolve(parameter.schema);
        if (type?.format === 'date' || type?.format === 'date-time') {
          for (const date of BAD_DATES) await send(`?${parameter.name}=${date}`, `?${parameter.name}=${encodeURIComponent(date)}`);
        }
      }
      if (method === 'get' || method === 'delete') continue;
      await send('nested arrays', '', NESTED);
      for (const { what, body } of badBodies(operation.requestBody?.content?.['application/json']?.schema)) await send(what, '', body);
    }
    const failed = outcomes.filter((o) => o.status >= 500 || o.status < 400 || typeof o.code !== 'string');
    expect(failed.map((o) => `${o.what} → ${o.status} ${String(o.code)}`)).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(500);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);

  it('names the problem: invalid_text for NUL and lone surrogates, invalid_date for impossible dates, validation_failed for null and nesting', async () => {
    const as = (path: string, body: object | string) =>
      env.api.http.patch(path).set('Authorization', world.manager).set('Content-Type', 'application/json').send(body);
    const nul = await as(`/v1/clients/${world.clientId}`, { name: NUL });
    expect([nul.status, nul.body.code]).toEqual([400, 'invalid_text']);
    const surrogate = await as(`/v1/clients/${world.clientId}`, { name: LONE_SURROGATE });
    expect([surrogate.status, surrogate.body.code]).toEqual([400, 'invalid_text']);
    const search = await env.api.http.get('/v1/clients?q=jean%00').set('Authorization', world.manager);
    expect([search.status, search.body.code]).toEqual([400, 'invalid_text']);
    const feb30 = await env.api.http.get('/v1/audit?from=2026-02-30').set('Authorization', world.manager);
    expect([feb30.status, feb30.body.code]).toEqual([400, 'invalid_date']);
    const year0 = await env.api.http.get('/v1/audit?from=0000-01-01').set('Authorization', world.manager);
    expect([year0.status, year0.body.code]).toEqual([400, 'invalid_date']);
    const nulled = await as(`/v1/clients/${world.clientId}`, { name: null });
    expect([nulled.status, nulled.body.code]).toEqual([400, 'validation_failed']);
    const nested = await as(`/v1/clients/${world.clientId}`, nestedIn('street'));
    expect([nested.status, nested.body.code, nested.body.message]).toEqual([400, 'validation_failed', 'The request body nests deeper than 32 levels']);
    // Good input still passes, and the refused requests changed nothing.
    const ok = await env.api.http.get(`/v1/clients/${world.clientId}`).set('Authorization', world.manager).expect(200);
    expect(ok.body.name).toBe('Cabinet Médical Durand');
    await env.api.http.get('/v1/audit?from=2024-02-29').set('Authorization', world.manager).expect(200);
  });

  it('refuses to save a template source that calls an unknown helper, as previewing it does (422, not 500), and keeps the default', async () => {
    const source = 'Bonjour {{shout message.subject}}';
    const put = (body: object) => env.api.http.put('/v1/outbound-templates/sms.copy').set('Authorization', world.manager).send(body);
    const saved = await put({ source });
    expect([saved.status, saved.body.code, saved.body.message]).toEqual([422, 'unprocessable', expect.stringContaining('shout')]);
    const preview = await env.api.http
      .post('/v1/outbound-templates/sms.copy/preview')
      .set('Authorization', world.manager)
      .send({ source, data: { message: { subject: 'x' } } });
    expect([preview.status, preview.body.code, preview.body.message]).toEqual([422, 'unprocessable', expect.stringContaining('shout')]);
    // A helper that fails on the data given is the caller's 422 too.
    const broken = await env.api.http
      .post('/v1/outbound-templates/sms.copy/preview')
      .set('Authorization', world.manager)
      .send({ source: '{{#with}}x{{/with}}', data: {} });
    expect([broken.status, broken.body.code]).toEqual([422, 'unprocessable']);
    // Known helpers and sections over a variable are still accepted.
    await put({ source: '{{#if message.subject}}{{message.subject}}{{/if}} {{#message}}{{subject}}{{/message}}' }).expect(200);
  });
});
