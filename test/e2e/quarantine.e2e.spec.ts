import { randomUUID } from 'node:crypto';
import { describe, expect, it, beforeAll } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import { QuarantineService } from '../../src/inbound/quarantine/quarantine.service.js';
import { InboundSms } from '../../src/inbound/sms/inbound-sms.entity.js';
import { Migration20261204140000_quarantine_triage } from '../../src/migrations/Migration20261204140000_quarantine_triage.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

describe('quarantine API: list, assign, discard; idempotent intake; tenants apart', () => {
  const env = useTestApi();
  let a: CompanyWorld;
  let b: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let service: QuarantineService;

  beforeAll(async () => {
    a = await aCompanyWorld(env.api.app, env.api.http, 'Permanence A');
    b = await aCompanyWorld(env.api.app, env.api.http, 'Permanence B');
    as = callerOf(env.api.http);
    service = env.api.app.get(QuarantineService);
  });

  const item = (world: CompanyWorld, reason = 'no_thread') =>
    service.quarantine({ companyId: world.companyId, channel: 'email', sourceId: randomUUID(), reason, sender: 'x@elsewhere.test', subject: 'Bonjour', preview: 'Texte' });

  it('records one item per channel + source, whatever the number of calls', async () => {
    const sourceId = randomUUID();
    const input = { companyId: a.companyId, channel: 'sms' as const, sourceId, reason: 'unknown_number', detail: 'first' };
    const [first, second] = await Promise.all([service.quarantine(input), service.quarantine({ ...input, detail: 'second' })]);
    expect(second.id).toBe(first.id);
    const again = await service.quarantine({ ...input, reason: 'other' });
    expect(again).toMatchObject({ id: first.id, reason: 'unknown_number' });
  });

  it('lists the caller’s company only, filtered and paged; needs quarantine.triage', async () => {
    const mine = await item(a);
    const theirs = await item(b);
    const list = await as(a.manager).get('/v1/quarantine?channel=email&status=open');
    expect(list.status).toBe(200);
    const ids = (list.body.items as { id: string }[]).map((i) => i.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    const page = await as(a.manager).get('/v1/quarantine?limit=1');
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    expect((await as(a.manager).get('/v1/quarantine?status=lost')).status).toBe(400);
    expect((await as(a.manager).get(`/v1/quarantine/${theirs.id}`)).status).toBe(404);
    expect((await as(a.manager).get('/v1/quarantine/not-an-id')).status).toBe(400);
    expect((await as(a.manager).get(`/v1/quarantine/${mine.id}`)).body).toMatchObject({ reason: 'no_thread', sender: 'x@elsewhere.test', status: 'open' });
  });

  it('lets an operator triage (list, read, discard) without routing.manage', async () => {
    const open = await item(a);
    const list = await as(a.operator).get('/v1/quarantine?status=open');
    expect(list.status).toBe(200);
    expect((list.body.items as { id: string }[]).map((i) => i.id)).toContain(open.id);
    expect((await as(a.operator).get(`/v1/quarantine/${open.id}`)).body).toMatchObject({ id: open.id, status: 'open' });
    const discarded = await as(a.operator).post(`/v1/quarantine/${open.id}/discard`, { reason: 'Démarchage' });
    expect(discarded.status).toBe(200);
    expect(discarded.body).toMatchObject({ status: 'discarded', resolvedBy: a.operatorId });
    expect((await as(a.operator).get('/v1/me')).body.permissions).not.toContain('routing.manage');
  });

  it('refuses the quarantine to an account without quarantine.triage, naming the permission', async () => {
    const night = await as(a.manager).post('/v1/users', {
      rightsTemplateId: a.customTemplateId,
      firstName: 'Nina',
      lastName: 'Nuit',
      email: `nina.${randomUUID().slice(0, 8)}@example.test`,
    });
    expect(night.status).toBe(201);
    const token = await as(a.manager).post(`/v1/users/${night.body.id}/tokens`, { name: 'nuit' });
    const open = await item(a);
    const refused = await as(`Bearer ${token.body.token}`).get('/v1/quarantine');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'permission_denied', message: expect.stringContaining('quarantine.triage') });
    expect((await as(`Bearer ${token.body.token}`).post(`/v1/quarantine/${open.id}/discard`, { reason: 'x' })).status).toBe(403);
    expect((await as(a.manager).get(`/v1/quarantine/${open.id}`)).body.status).toBe('open');
  });

  it('discards with a reason (kept, idempotent); a discarded item cannot be assigned', async () => {
    const open = await item(a);
    expect((await as(a.manager).post(`/v1/quarantine/${open.id}/discard`, {})).body.code).toBe('validation_failed');
    expect((await as(a.manager).post(`/v1/quarantine/${open.id}/discard`, { reason: '' })).status).toBe(400);
    const discarded = await as(a.manager).post(`/v1/quarantine/${open.id}/discard`, { reason: 'Publicité' });
    expect(discarded.status).toBe(200);
    expect(discarded.body).toMatchObject({ status: 'discarded', discardReason: 'Publicité', resolvedBy: a.managerId });
    expect((await as(a.manager).post(`/v1/quarantine/${open.id}/discard`, { reason: 'encore' })).body.discardReason).toBe('Publicité');
    expect((await as(a.manager).post(`/v1/quarantine/${open.id}/assign`, { messageId: a.messageId })).status).toBe(409);
    expect((await as(b.manager).post(`/v1/quarantine/${open.id}/discard`, { reason: 'x' })).status).toBe(404);
  });

  it('refuses to assign to a thread of another company or to none, and answers 404 (not 500) when the item’s mail is gone', async () => {
    const open = await item(a);
    expect((await as(a.manager).post(`/v1/quarantine/${open.id}/assign`, { messageId: b.messageId })).status).toBe(404);
    expect((await as(a.manager).post(`/v1/quarantine/${open.id}/assign`, { messageId: randomUUID() })).status).toBe(404);
    expect((await as(a.manager).post(`/v1/quarantine/${open.id}/assign`, { messageId: 'nope' })).status).toBe(400);
    const orphan = await as(a.manager).post(`/v1/quarantine/${open.id}/assign`, { messageId: a.messageId });
    expect(orphan.status).toBe(404);
    expect(orphan.body.code).toBe('not_found');
    expect((await as(a.manager).get(`/v1/quarantine/${open.id}`)).body.status).toBe('open');
  });

  it('reads an item’s mail whole only while it is stored: 404 (not 500) when it is gone, 404 for another company', async () => {
    const open = await item(a);
    const gone = await as(a.manager).get(`/v1/quarantine/${open.id}/content`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 'not_found', message: expect.stringContaining('inbound email') });
    expect((await as(b.manager).get(`/v1/quarantine/${open.id}/content`)).status).toBe(404);
    expect((await as(a.manager).get('/v1/quarantine/not-an-id/content')).status).toBe(400);
  });

  it('reads a quarantined SMS whole, its MMS media listed but not downloadable (it stays at the provider); the preview once purged', async () => {
    const em = env.api.app.get(MikroORM).em.fork();
    const sms = em.create(InboundSms, {
      companyId: a.companyId, messageSid: `SM${randomUUID().replaceAll('-', '')}`, accountSid: 'AC1', smsNumberId: randomUUID(),
      fromRaw: '+33611000077', toRaw: '+33756781234', body: 'Bonjour, voici la photo de la fuite sous l’évier.',
      media: [{ url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1', contentType: 'image/jpeg' }], params: {},
    });
    await em.flush();
    const quarantined = await service.quarantine({ companyId: a.companyId, channel: 'sms', sourceId: sms.id, reason: 'unknown_number', sender: '+33611000077', preview: 'Bonjour, voici la photo…' });
    const content = await as(a.operator).get(`/v1/quarantine/${quarantined.id}/content`).expect(200);
    expect(content.body).toEqual({
      text: 'Bonjour, voici la photo de la fuite sous l’évier.', html: false, purged: false,
      attachments: [{ filename: null, contentType: 'image/jpeg', size: null, downloadable: false }],
    });
    expect((await as(a.operator).get(`/v1/quarantine/${quarantined.id}/attachments/0`)).body).toMatchObject({ code: 'not_found' });
    expect((await as(b.manager).get(`/v1/quarantine/${quarantined.id}/content`)).status).toBe(404);
    await em.getConnection().execute(`update inbound_sms set body = '', media = '[]'::jsonb, raw_purged_at = now() where id = ?`, [sms.id]);
    expect((await as(a.operator).get(`/v1/quarantine/${quarantined.id}/content`).expect(200)).body).toMatchObject({ text: 'Bonjour, voici la photo…', purged: true, attachments: [] });
  });

  // Runs last: it rewinds every company of this database to before the permission existed.
  it('migrates existing companies: operators who write and routing.manage holders get quarantine.triage, a read-only template does not', async () => {
    const orm = env.api.app.get(MikroORM);
    const run = async (direction: 'up' | 'down') => {
      const migration = new Migration20261204140000_quarantine_triage(orm.em.getDriver(), orm.config);
      migration[direction]();
      for (const query of migration.getQueries()) await orm.em.getConnection().execute(query);
    };
    const templates = async () =>
      Object.fromEntries(
        ((await as(a.manager).get('/v1/rights-templates')).body as { name: string; permissions: string[] }[]).map((t) => [
          t.name,
          t.permissions.filter((p) => p === 'quarantine.triage').length,
        ]),
      );

    await run('down');
    expect((await as(a.operator).get('/v1/quarantine')).status).toBe(403);
    await run('up');
    await run('up');
    expect((await as(a.operator).get('/v1/quarantine')).status).toBe(200);
    expect((await as(a.manager).get('/v1/quarantine')).status).toBe(200);
    expect(await templates()).toMatchObject({ Manager: 1, Supervisor: 1, Operator: 1, 'Night operator': 0, Client: 0, Secretary: 0 });
  });
});
