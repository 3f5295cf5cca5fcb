import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aCompany } from '../factories/accounts.factory.js';
import { TestContext, type TestApi } from '../harness/test-context.js';

describe('HTTP conventions', () => {
  let ctx: TestContext;
  let api: TestApi;
  let auth: string;

  beforeAll(async () => {
    ctx = await TestContext.create();
    api = await ctx.startApi();
    auth = `Bearer ${(await aCompany(api.app)).token}`;
  });
  afterAll(() => ctx.close());

  it('answers malformed JSON with 400 invalid_json', async () => {
    const response = await api.http
      .patch('/v1/me')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send('{"firstName": "Ma')
      .expect(400);
    expect(response.body).toEqual({ code: 'invalid_json', message: 'The request body is not valid JSON' });
  });

  it('answers an oversized body with 413 payload_too_large', async () => {
    const response = await api.http
      .patch('/v1/me')
      .set('Authorization', auth)
      .send({ firstName: 'x'.repeat(1_100_000) })
      .expect(413);
    expect(response.body.code).toBe('payload_too_large');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await api.http.get('/v1/nothing-here').set('Authorization', auth).expect(404);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body).toEqual({ code: 'route_not_found', message: 'No route for GET /v1/nothing-here' });
  });

  it('refuses unknown fields instead of ignoring them, naming them', async () => {
    const response = await api.http.patch('/v1/me').set('Authorization', auth).send({ firstName: 'Marie', role: 'manager', kind: 'client' }).expect(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.details).toEqual(
      expect.arrayContaining([
        { field: 'role', problems: ['property role should not exist'] },
        { field: 'kind', problems: ['property kind should not exist'] },
      ]),
    );
    const me = await api.http.get('/v1/me').set('Authorization', auth).expect(200);
    expect(me.body.firstName).not.toBe('Marie');
  });

  it('reports invalid values field by field', async () => {
    const response = await api.http.patch('/v1/me').set('Authorization', auth).send({ firstName: '', mobile: 612345678 }).expect(400);
    const fields = (response.body.details as { field: string }[]).map((detail) => detail.field);
    expect(fields.sort()).toEqual(['firstName', 'mobile']);
  });

  it('applies a valid change', async () => {
    const response = await api.http.patch('/v1/me').set('Authorization', auth).send({ firstName: 'Élodie', mobile: '+33612345678' }).expect(200);
    expect(response.body).toMatchObject({ firstName: 'Élodie', mobile: '+33612345678' });
  });

  it('gives every response a request id, keeping a sane one from the caller', async () => {
    const fresh = await api.http.get('/health/live').expect(200);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await api.http.get('/health/live').set('X-Request-Id', 'abc-123').expect(200);
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const replaced = await api.http.get('/health/live').set('X-Request-Id', 'bad id\twith spaces').expect(200);
    expect(replaced.headers['x-request-id']).not.toContain(' ');
  });

  it('serves the OpenAPI document and its UI', async () => {
    const json = await api.http.get('/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(json.body.paths['/v1/me'].get.security).toEqual([{ bearer: [] }]);
    expect(json.body.paths['/v1/me'].patch).toBeDefined();
    expect(json.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ui = await api.http.get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('exposes Prometheus metrics: process, HTTP durations by route, queue depths', async () => {
    await api.http.get('/v1/me').set('Authorization', auth).expect(200);
    await api.http.get('/no/such/path/42').expect(404);
    const metrics = await api.http.get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/text\/plain/);
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
    expect(metrics.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/me",status="200"\} [1-9]/);
    expect(metrics.text).not.toContain('/no/such/path');
    expect(metrics.text).toMatch(/relais_queue_jobs\{queue="accounts",state="waiting"\} \d+/);
  });
});
