import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'superagent';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/** The PDF's text as poppler reads it: proves the accents are real text, not boxes. */
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'relais-pdf-'));
  try {
    writeFileSync(join(dir, 'digest.pdf'), pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'digest.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Collects a binary body (supertest would otherwise try to read the PDF as text). */
function binary(res: Response, done: (error: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('PDF digest of a client’s messages', () => {
  const env = useTestApi();
  const as = (token: string) => callerOf(env.api.http)(token);
  let w: CompanyWorld;
  // The digest's period is in Paris dates, as the product shows them.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http);
    await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, {
      subject: 'Rendez-vous déplacé',
      body: 'Élodie a appelé : le rendez-vous est reporté à jeudi, « cœur » de l’après-midi.',
      urgent: true,
    }).expect(201);
    await as(w.clientAccount).post(`/v1/clients/${w.clientId}/messages`, { body: 'Message écrit par le client lui-même.' }).expect(201);
  });

  const digest = (token: string, query: string) =>
    as(token).get(`/v1/clients/${w.clientId}/messages/digest.pdf?${query}`).buffer(true).parse(binary);

  it('prints a day task’s due date as j/mm/aaaa and a VAD’s planned date and address, in Paris time', async () => {
    const client = (await as(w.manager).post('/v1/clients', { name: 'Cabinet Dates' }).expect(201)).body.id as string;
    await as(w.operator).post(`/v1/clients/${client}/messages`, { subject: 'Rappeler le labo', body: 'Avant midi.', dayTask: true, dueDate: '2026-12-04' }).expect(201);
    await as(w.operator)
      .post(`/v1/clients/${client}/messages`, {
        subject: 'Visite',
        body: 'Passer voir Mme Petit.',
        vad: true,
        vadPlannedAt: '2026-12-04T13:30:00Z',
        vadStreet: '12 rue des Lilas',
        vadPostalCode: '69003',
        vadCity: 'Lyon',
      })
      .expect(201);
    const response = await as(w.manager).get(`/v1/clients/${client}/messages/digest.pdf?from=${today}&to=${today}`).buffer(true).parse(binary).expect(200);
    const text = pdfText(response.body as Buffer).replace(/\s+/g, ' ');
    expect(text).toContain('À faire le 4/12/2026');
    expect(text).toContain('VAD le 4/12/2026 à 14:30, 12 rue des Lilas, 69003 Lyon');
    expect(text).not.toContain('2026-12-04');
  });

  it('is a real PDF with readable French', async () => {
    const response = await digest(w.manager, `from=${today}&to=${today}`).expect(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = response.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('Messages — Cabinet Médical Durand');
    expect(text).toContain('Rendez-vous déplacé');
    expect(text.replace(/\s+/g, ' ')).toContain('Élodie a appelé : le rendez-vous est reporté à jeudi, « cœur » de l’après-midi.');
    expect(text).toContain('URGENT');
    expect(text).toContain('Message écrit par le client lui-même.');
    expect(response.headers).toMatchObject({ 'x-digest-messages': '3', 'x-digest-truncated': 'false' }); // with the world's first message
  });

  it('says when the 500-message cap left older messages out', async () => {
    const client = await as(w.manager).post('/v1/clients', { name: 'Très bavard' }).expect(201);
    // 501 messages on one day, written straight to the table: the cap is what is measured here.
    await env.api.app.get(EntityManager).fork().getConnection().execute(
      `with m as (
         insert into message (id, created_at, updated_at, company_id, client_id, author_id, subject, body)
         select gen_random_uuid(), '2026-06-10T10:00:00Z'::timestamptz + (i || ' seconds')::interval, now(), ?, ?, ?, 'Sujet ' || i, 'Message ' || i
         from generate_series(1, 501) i returning id, created_at, company_id, client_id, author_id)
       insert into conversation (id, created_at, updated_at, company_id, client_id, author_id, kind, last_activity_at)
       select id, created_at, now(), company_id, client_id, author_id, 'message', now() from m`,
      [w.companyId, client.body.id, w.operatorId],
    );
    const response = await as(w.manager).get(`/v1/clients/${client.body.id}/messages/digest.pdf?from=2026-06-10&to=2026-06-10`).buffer(true).parse(binary).expect(200);
    expect(response.headers).toMatchObject({ 'x-digest-messages': '500', 'x-digest-truncated': 'true' });
    expect(pdfText(response.body as Buffer)).toContain('Seuls les 500 messages les plus récents de la période figurent ici.');
  });

  it('keeps to collaborators’ messages, or to unread ones, when asked', async () => {
    const collaborators = pdfText((await digest(w.manager, `from=${today}&to=${today}&authors=collaborators`).expect(200)).body as Buffer);
    expect(collaborators).toContain('Rendez-vous déplacé');
    expect(collaborators).not.toContain('écrit par le client');
    await as(w.operator).get(`/v1/clients/${w.clientId}/messages?limit=200`).expect(200);
    const unread = pdfText((await digest(w.operator, `from=${today}&to=${today}&scope=unread`).expect(200)).body as Buffer);
    expect(unread).toContain('écrit par le client');
    expect(unread).not.toContain('Rendez-vous déplacé');
  });

  it('refuses malformed dates, another company’s client, and callers without the permission', async () => {
    await digest(w.manager, 'from=yesterday&to=today').expect(400);
    const backwards = await as(w.manager).get(`/v1/clients/${w.clientId}/messages/digest.pdf?from=2026-12-31&to=2026-12-01`).expect(422);
    expect(backwards.body).toMatchObject({ code: 'unprocessable', details: { field: 'to' } });
    await digest(w.clientAccount, `from=${today}&to=${today}`).expect(200);
    const other = await aCompanyWorld(env.api.app, env.api.http, 'Autre');
    await digest(other.manager, `from=${today}&to=${today}`).expect(404);
  });
});
