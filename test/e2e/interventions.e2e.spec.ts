import { EntityManager } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { previewOf } from '../../src/exchanges/intervention-summary.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/**
 * Interventions (DIT) and their exchanges through the API: the record, its summary on every list
 * and read, the company's types, drafts, guarded edits and deletes, the portal's rule, tenancy and
 * the bad input each answered with its own code. Sending by email and the answers coming back are
 * in exchanges-email.e2e.spec.ts.
 */
describe('interventions and their exchanges', () => {
  const env = useTestApi();
  let world: CompanyWorld;
  let other: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let interventionId: string;
  let contactEmailId: string;
  const sql = <T>(query: string, params: unknown[] = []) => boundSql<T>(env.api.app.get(EntityManager).fork(), query, params);

  beforeAll(async () => {
    world = await aCompanyWorld(env.api.app, env.api.http, 'Dépannage Martin');
    other = await aCompanyWorld(env.api.app, env.api.http, 'Autre société');
    as = callerOf(env.api.http);
    contactEmailId = (await as(world.manager).post(`/v1/clients/${world.clientId}/contacts`, { name: 'M. Blanc', email: 'blanc@durand.test' }).expect(201)).body.id;
    interventionId = (
      await as(world.operator)
        .post('/v1/interventions', { clientId: world.clientId, contactId: contactEmailId, title: 'Fuite sous l’évier', description: 'Cuisine, 2e étage' })
        .expect(201)
    ).body.id;
  });

  it('creates an intervention, requested, with an empty summary, and lists it', async () => {
    const got = await as(world.operator).get(`/v1/interventions/${interventionId}`).expect(200);
    expect(got.body).toMatchObject({
      clientId: world.clientId,
      contactId: contactEmailId,
      authorId: world.operatorId,
      title: 'Fuite sous l’évier',
      status: 'requested',
      summary: { exchangeCount: 0, latestPreview: null, reminder: false },
    });
    const list = await as(world.operator).get('/v1/interventions').expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(interventionId);
  });

  it('records exchanges with their defaults (sent by me, received by the request’s contact and its email) and keeps the summary', async () => {
    const call = await as(world.operator).post(`/v1/interventions/${interventionId}/exchanges`, { type: 'call', detail: 'Appelé pour fixer un rendez-vous.' }).expect(201);
    expect(call.body).toMatchObject({
      direction: 'transmitted',
      type: 'call',
      typeLabel: 'Appel',
      sentById: world.operatorId,
      receivedById: contactEmailId,
      recipientEmail: 'blanc@durand.test',
      status: 'recorded',
      reminder: false,
      deliveryStatus: null,
    });
    const received = await as(world.operator)
      .post(`/v1/interventions/${interventionId}/exchanges`, { direction: 'received', type: 'call', detail: 'Le client rappelle : disponible jeudi.' })
      .expect(201);
    expect(received.body).toMatchObject({ direction: 'received', sentById: contactEmailId, receivedById: world.operatorId });
    const long = 'Relance : '.concat('nous attendons toujours votre confirmation pour le passage du technicien '.repeat(4));
    await as(world.operator).post(`/v1/interventions/${interventionId}/exchanges`, { type: 'reminder', detail: long }).expect(201);
    const got = await as(world.operator).get(`/v1/interventions/${interventionId}`).expect(200);
    expect(got.body.summary).toMatchObject({ exchangeCount: 3, reminder: true, latestPreview: previewOf(long) });
    expect(got.body.summary.latestPreview.length).toBeLessThanOrEqual(140);
    expect(got.body.summary.latestPreview.endsWith('…')).toBe(true);
    // Cut at a word boundary: what precedes the ellipsis is a prefix of the text ending on a whole word.
    const kept = got.body.summary.latestPreview.slice(0, -1);
    expect(long.startsWith(kept)).toBe(true);
    expect(long[kept.length]).toMatch(/[\s]/);
    // Everything is in the conversation's history and entries.
    const events = await sql<{ type: string }>('select type from conversation_event where conversation_id = ? order by id', [interventionId]);
    expect(events.map((e) => e.type)).toEqual(['created', 'exchange.recorded', 'exchange.recorded', 'exchange.recorded']);
    const entries = await sql<{ body: string }>('select body from conversation_entry where conversation_id = ? order by id', [interventionId]);
    expect(entries).toHaveLength(3);
  });

  it('cuts a preview at a word boundary, never in a word, 140 characters at most', () => {
    expect(previewOf('Court.')).toBe('Court.');
    const text = `${'mot '.repeat(34)}anticonstitutionnellement fin`;
    const preview = previewOf(text);
    expect(preview.length).toBeLessThanOrEqual(140);
    expect(preview).toBe(`${'mot '.repeat(34).trim()}…`);
    expect(previewOf('x'.repeat(300))).toBe(`${'x'.repeat(139)}…`);
  });

  it('filters the list by client, status, reminder and updated since', async () => {
    const quiet = (await as(world.operator).post('/v1/interventions', { clientId: world.otherClientId, title: 'Chauffe-eau', status: 'in_progress' }).expect(201)).body.id;
    const ids = async (query: string) => (await as(world.operator).get(`/v1/interventions${query}`).expect(200)).body.items.map((i: { id: string }) => i.id);
    expect(await ids(`?clientId=${world.clientId}`)).toEqual([interventionId]);
    expect(await ids('?status=in_progress')).toEqual([quiet]);
    expect(await ids('?hasReminder=true')).toEqual([interventionId]);
    expect(await ids('?hasReminder=false')).toEqual([quiet]);
    const since = new Date(Date.now() + 60_000).toISOString();
    expect(await ids(`?updatedSince=${encodeURIComponent(since)}`)).toEqual([]);
    const before = new Date(Date.now() - 1000).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await as(world.operator).post(`/v1/interventions/${quiet}/exchanges`, { type: 'visit', detail: 'Passage du technicien.' }).expect(201);
    expect(await ids(`?updatedSince=${encodeURIComponent(before)}`)).toContain(quiet);
    // An edit of the intervention itself counts as an update too.
    const later = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await as(world.operator).patch(`/v1/interventions/${quiet}`, { title: 'Chauffe-eau (rappel)' }).expect(200);
    expect(await ids(`?updatedSince=${encodeURIComponent(later)}`)).toEqual([quiet]);
    const page = await as(world.operator).get('/v1/interventions?limit=1').expect(200);
    expect(page.body.items).toHaveLength(1);
    const next = await as(world.operator).get(`/v1/interventions?limit=1&cursor=${page.body.nextCursor}`).expect(200);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
  });

  it('lets a company rename a type and add its own (a reminder of its own turns the badge red)', async () => {
    await as(world.manager).put('/v1/exchange-types/call', { label: 'Téléphone' }).expect(200);
    const added = await as(world.manager).put('/v1/exchange-types/second_reminder', { label: 'Seconde relance', reminder: true }).expect(200);
    expect(added.body).toEqual({ key: 'second_reminder', label: 'Seconde relance', reminder: true, builtin: false });
    const types = await as(world.operator).get('/v1/exchange-types').expect(200);
    expect(types.body.find((t: { key: string }) => t.key === 'call').label).toBe('Téléphone');
    const other2 = (await as(world.operator).post('/v1/interventions', { clientId: world.otherClientId, title: 'Volet roulant' }).expect(201)).body.id;
    await as(world.operator).post(`/v1/interventions/${other2}/exchanges`, { type: 'second_reminder', detail: 'Toujours rien.' }).expect(201);
    expect((await as(world.operator).get(`/v1/interventions/${other2}`).expect(200)).body.summary.reminder).toBe(true);
    // The other company keeps its own wording.
    const theirs = await as(other.manager).get('/v1/exchange-types').expect(200);
    expect(theirs.body.find((t: { key: string }) => t.key === 'call').label).toBe('Appel');
    expect(theirs.body.map((t: { key: string }) => t.key)).not.toContain('second_reminder');
    await as(world.operator).put('/v1/exchange-types/x', { label: 'X' }).expect(403);
    expect((await as(world.manager).put('/v1/exchange-types/Bad%20Key', { label: 'X' }).expect(400)).body.code).toBe('invalid_id');
  });

  it('keeps drafts apart: listed with ?status=draft, editable, never counted', async () => {
    const before = (await as(world.operator).get(`/v1/interventions/${interventionId}`)).body.summary;
    const draft = await as(world.operator).post(`/v1/interventions/${interventionId}/exchanges`, { subject: 'Devis', detail: 'Bonjour, voici', draft: true }).expect(201);
    expect(draft.body.status).toBe('draft');
    const drafts = await as(world.operator).get(`/v1/interventions/${interventionId}/exchanges?status=draft`).expect(200);
    expect(drafts.body.map((x: { id: string }) => x.id)).toEqual([draft.body.id]);
    const listed = await as(world.operator).get(`/v1/interventions/${interventionId}/exchanges`).expect(200);
    expect(listed.body.map((x: { id: string }) => x.id)).not.toContain(draft.body.id);
    const edited = await as(world.operator).patch(`/v1/exchanges/${draft.body.id}`, { detail: 'Bonjour, voici notre devis.' }).expect(200);
    expect(edited.body).toMatchObject({ status: 'draft', detail: 'Bonjour, voici notre devis.' });
    expect((await as(world.operator).get(`/v1/interventions/${interventionId}`)).body.summary).toEqual(before);
    // A client account never sees the staff's drafts.
    await as(world.clientAccount).get(`/v1/exchanges/${draft.body.id}`).expect(404);
  });

  it('deletes an exchange with a history line; refuses to change anything once the report is written (409)', async () => {
    const mistake = await as(world.operator).post(`/v1/interventions/${interventionId}/exchanges`, { type: 'letter', detail: 'Erreur de saisie' }).expect(201);
    const count = (await as(world.operator).get(`/v1/interventions/${interventionId}`)).body.summary.exchangeCount;
    // Operators hold exchanges.write, not exchanges.delete.
    expect((await as(world.operator).del(`/v1/exchanges/${mistake.body.id}`).expect(403)).body.details).toMatchObject({ permission: 'exchanges.delete' });
    await as(world.manager).del(`/v1/exchanges/${mistake.body.id}`).expect(204);
    await as(world.manager).get(`/v1/exchanges/${mistake.body.id}`).expect(404);
    expect((await as(world.operator).get(`/v1/interventions/${interventionId}`)).body.summary.exchangeCount).toBe(count - 1);
    const [line] = await sql<{ details: { detail: string } }>(`select details from conversation_event where conversation_id = ? and type = 'exchange.deleted'`, [interventionId]);
    expect(line.details.detail).toBe('Erreur de saisie');

    const reported = (await as(world.operator).post('/v1/interventions', { clientId: world.clientId, title: 'Compteur' }).expect(201)).body.id;
    const kept = (await as(world.operator).post(`/v1/interventions/${reported}/exchanges`, { type: 'call', detail: 'Appel' }).expect(201)).body.id;
    await as(world.operator).patch(`/v1/interventions/${reported}`, { status: 'done' }).expect(200);
    const done = await as(world.operator).patch(`/v1/interventions/${reported}`, { status: 'reported' }).expect(200);
    expect(done.body.reportedAt).not.toBeNull();
    for (const response of [
      await as(world.manager).del(`/v1/exchanges/${kept}`),
      await as(world.operator).patch(`/v1/exchanges/${kept}`, { detail: 'changé' }),
      await as(world.operator).post(`/v1/interventions/${reported}/exchanges`, { detail: 'encore' }),
      await as(world.operator).patch(`/v1/interventions/${reported}`, { title: 'autre' }),
    ]) {
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 409, code: 'intervention_reported' });
    }
  });

  it('refuses bad input with its code and writes nothing', async () => {
    const fresh = (await as(world.operator).post('/v1/interventions', { clientId: world.clientId, title: 'Serrure' }).expect(201)).body.id;
    const post = (body: object) => as(world.operator).post(`/v1/interventions/${fresh}/exchanges`, body);
    const otherContact = (await as(world.manager).post(`/v1/clients/${world.otherClientId}/contacts`, { name: 'Voisin' }).expect(201)).body.id;
    const cases: [object, number, string][] = [
      [{ type: 'call' }, 422, 'detail_required'],
      [{ type: 'call', detail: '   ' }, 422, 'detail_required'],
      [{ type: 'telepathy', detail: 'x' }, 422, 'unknown_exchange_type'],
      [{ type: 'call', detail: 'x', receivedById: otherContact }, 422, 'contact_not_of_client'],
      [{ type: 'call', detail: 'x', sentById: other.operatorId }, 422, 'not_a_collaborator'],
      [{ type: 'call', detail: 'x', sentById: world.clientAccountId }, 422, 'not_a_collaborator'],
      [{ type: 'call', detail: 'x'.repeat(30_000) }, 413, 'body_too_large'],
    ];
    for (const [body, status, code] of cases) {
      const response = await post(body);
      expect({ body, status: response.status, code: response.body.code }).toEqual({ body, status, code });
    }
    // A 1 MB detail: the body itself is too large.
    const huge = await post({ type: 'call', detail: 'é'.repeat(600_000) });
    expect([huge.status, huge.body.code]).toEqual([413, 'payload_too_large']);
    expect((await as(world.operator).post('/v1/interventions', { clientId: world.clientId, contactId: otherContact, title: 'x' })).body.code).toBe('contact_not_of_client');
    const [{ n }] = await sql<{ n: number }>('select count(*)::int as n from exchange where intervention_id = ?', [fresh]);
    expect(n).toBe(0);
    expect((await as(world.operator).get(`/v1/interventions/${fresh}`)).body.summary.exchangeCount).toBe(0);
  });

  it('lets a client account add a received exchange from its portal while in progress or just done, never on another client’s, and tells staff', async () => {
    const portal = (await as(world.operator).post('/v1/interventions', { clientId: world.clientId, title: 'Portail', contactId: world.contactId }).expect(201)).body.id;
    const theirs = (await as(world.operator).post('/v1/interventions', { clientId: world.otherClientId, title: 'Pas à vous', status: 'in_progress' }).expect(201)).body.id;
    // Requested only: not yet open to the portal.
    expect((await as(world.clientAccount).post(`/v1/interventions/${portal}/exchanges`, { detail: 'Bonjour' }).expect(409)).body.code).toBe('portal_window_closed');
    await as(world.operator).patch(`/v1/interventions/${portal}`, { status: 'in_progress' }).expect(200);
    const added = await as(world.clientAccount).post(`/v1/interventions/${portal}/exchanges`, { detail: 'Le technicien peut passer demain matin.' }).expect(201);
    expect(added.body).toMatchObject({ direction: 'received', origin: 'portal', authorId: world.clientAccountId, receivedById: world.operatorId });
    // Staff are told as for an answer by email: a reply alert to the intervention's author.
    const alerts = await sql<{ recipient_user_id: string }>(`select recipient_user_id from delivery where conversation_id = ? and kind = 'reply_alert'`, [portal]);
    expect(alerts.map((a) => a.recipient_user_id)).toContain(world.operatorId);
    expect((await as(world.clientAccount).post(`/v1/interventions/${theirs}/exchanges`, { detail: 'x' })).status).toBe(404);
    await as(world.clientAccount).get(`/v1/interventions/${theirs}`).expect(404);
    const own = await as(world.clientAccount).get('/v1/interventions').expect(200);
    expect(own.body.items.map((i: { clientId: string }) => i.clientId).every((c: string) => c === world.clientId)).toBe(true);
    // Done: open 7 days (configurable), then closed.
    await as(world.operator).patch(`/v1/interventions/${portal}`, { status: 'done' }).expect(200);
    await as(world.clientAccount).post(`/v1/interventions/${portal}/exchanges`, { detail: 'Merci, tout fonctionne.' }).expect(201);
    await sql(`update intervention set done_at = now() - interval '8 days' where id = ?`, [portal]);
    expect((await as(world.clientAccount).post(`/v1/interventions/${portal}/exchanges`, { detail: 'Trop tard' }).expect(409)).body.code).toBe('portal_window_closed');
    // Client accounts neither create interventions nor edit or delete exchanges.
    expect((await as(world.clientAccount).post('/v1/interventions', { clientId: world.clientId, title: 'x' }).expect(403)).body.code).toBe('interventions_staff_only');
    expect((await as(world.clientAccount).patch(`/v1/exchanges/${added.body.id}`, { detail: 'x' }).expect(403)).body.code).toBe('interventions_staff_only');
  });

  it('answers another company’s interventions and exchanges with 404', async () => {
    const [exchange] = (await as(world.operator).get(`/v1/interventions/${interventionId}/exchanges`).expect(200)).body;
    await as(other.manager).get(`/v1/interventions/${interventionId}`).expect(404);
    await as(other.manager).get(`/v1/interventions/${interventionId}/exchanges`).expect(404);
    await as(other.manager).post(`/v1/interventions/${interventionId}/exchanges`, { detail: 'x' }).expect(404);
    await as(other.manager).get(`/v1/exchanges/${exchange.id}`).expect(404);
    await as(other.manager).patch(`/v1/exchanges/${exchange.id}`, { detail: 'x' }).expect(404);
    await as(other.manager).del(`/v1/exchanges/${exchange.id}`).expect(404);
    await as(other.manager).post(`/v1/exchanges/${exchange.id}/send`, {}).expect(404);
    expect((await as(other.manager).get('/v1/interventions').expect(200)).body.items).toEqual([]);
    await as(other.manager).post('/v1/interventions', { clientId: world.clientId, title: 'x' }).expect(404);
  });
});
