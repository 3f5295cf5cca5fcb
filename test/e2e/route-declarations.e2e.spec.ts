import { describe, expect, it } from '@jest/globals';
import { EntityManager } from '@mikro-orm/postgresql';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { PERMISSIONS } from '../../src/rights/permissions.js';
import { routeTable } from '../../src/core/http/route-table.js';
import { aCompany } from '../factories/accounts.factory.js';
import { useTestApi } from '../harness/test-context.js';

/** Public by nature: who is calling is what they establish (each checks the session cookie itself where it needs one). */
const SIGN_IN_ROUTES = new Set(['POST /v1/session', 'GET /v1/session', 'DELETE /v1/session', 'POST /v1/password-resets', 'POST /v1/password']);

describe('every route declares who may call it', () => {
  const env = useTestApi();

  it('every /v1 route declares a permission or that any account may call it, and none is public but signing in', () => {
    const routes = routeTable(env.api.app).filter((route) => route.path.startsWith('/v1/') && !SIGN_IN_ROUTES.has(`${route.method} ${route.path}`));
    expect(routes.length).toBeGreaterThan(40);
    const undeclared = routes.filter((route) => !route.access || route.isPublic).map((r) => `${r.method} ${r.path} (${r.handler})`);
    expect(undeclared).toEqual([]);
  });

  it('only operations, webhook and signing-in routes are public', () => {
    const publicRoutes = routeTable(env.api.app).filter((route) => route.isPublic);
    for (const route of publicRoutes) {
      if (!SIGN_IN_ROUTES.has(`${route.method} ${route.path}`)) expect(route.path).toMatch(/^\/(health|metrics|webhooks)\b/);
    }
  });

  it('answers a malformed id in any path parameter of any /v1 route with 400 invalid_id', async () => {
    const company = await aCompany(env.api.app);
    const valid = '01a209b7-0000-7000-8000-000000000000';
    const routes = routeTable(env.api.app).filter((route) => route.path.startsWith('/v1/') && route.path.includes('/:'));
    const wrong: string[] = [];
    let cases = 0;
    for (const route of routes) {
      const params = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]);
      for (const bad of params) {
        const url = route.path.replace(/:(\w+)/g, (_, name: string) => (name === bad ? 'not-a-uuid' : valid));
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        const response = await env.api.http[method](url).set('Authorization', `Bearer ${company.token}`);
        cases += 1;
        if (response.status !== 400 || response.body.code !== 'invalid_id') {
          wrong.push(`${route.method} ${route.path} (:${bad}) → ${response.status} ${response.body.code ?? ''}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(cases).toBeGreaterThan(40);
  });

  it('answers with views, never entities: no response any route documents is a MikroORM entity class', () => {
    const entities = new Set<unknown>([...env.api.app.get(EntityManager).getMetadata().getAll().values()].map((meta) => meta.class));
    expect(entities.size).toBeGreaterThan(20);
    const scanner = env.api.app.get(MetadataScanner);
    const answered: string[] = [];
    const entityAnswers: string[] = [];
    for (const wrapper of env.api.app.get(DiscoveryService).getControllers()) {
      const prototype = (wrapper.metatype as { prototype: object } | null)?.prototype;
      if (!prototype) continue;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, object>)[name];
        // What @ApiOkResponse / @ApiCreatedResponse name, and the models a page response refers to (ApiExtraModels).
        const responses = Object.values((Reflect.getMetadata('swagger/apiResponse', handler) ?? {}) as Record<string, { type?: unknown }>).map((r) => r.type);
        const models = (Reflect.getMetadata('swagger/apiExtraModels', handler) ?? []) as unknown[];
        for (const type of [...responses, ...models].flat()) {
          if (!type) continue;
          answered.push(name);
          if (entities.has(type)) entityAnswers.push(`${wrapper.name}.${name} → ${(type as { name: string }).name}`);
        }
      }
    }
    expect(answered.length).toBeGreaterThan(60);
    expect(entityAnswers).toEqual([]);
  });

  it('lists the permission catalogue to any account', async () => {
    const company = await aCompany(env.api.app);
    const response = await env.api.http.get('/v1/permissions').set('Authorization', `Bearer ${company.token}`).expect(200);
    expect(response.body).toEqual(Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })));
  });

  it('documents a response schema for every /v1 operation that answers with a body', async () => {
    const doc = (await env.api.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
    };
    const undocumented: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
        // 204 No Content, and 202 Accepted for work done later (an email on its way), carry no body.
        const ok = success.length > 0 && success.every(([status, response]) => status === '204' || status === '202' || response.content);
        if (!ok) undocumented.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(undocumented).toEqual([]);
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/v1/')).length).toBeGreaterThan(25);
  });
});
