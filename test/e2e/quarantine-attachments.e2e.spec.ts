import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EntityManager } from '@mikro-orm/postgresql';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import { aWatchedMailbox } from '../factories/mailbox.factory.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { buildWithFiles } from '../fixtures/mail/builder.js';
import { IMAP, waitFor } from '../harness/services.js';
import { binaryBody } from '../harness/binary-body.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';

interface Item {
  id: string;
  subject: string | null;
  status: string;
}

/**
 * The files of a quarantined mail, downloaded from the triage: a mail nobody's thread was waiting for
 * comes in through a watched mailbox (Dovecot), lands in the quarantine with its files, and an
 * operator downloads each byte for byte, with the same care as a reply's files.
 */
describe('quarantine attachments: the files of a quarantined mail, for who triages', () => {
  const folder = `spec-qatt-${randomBytes(4).toString('hex')}`;
  const scan = randomBytes(50_000);
  const page = Buffer.from('<html><script>alert(1)</script></html>');
  let ctx: TestContext;
  let api: TestApi;
  let imap: MailboxSession;
  let a: CompanyWorld;
  let b: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let item: Item;

  const items = async (): Promise<Item[]> => (await as(a.manager).get('/v1/quarantine?channel=email').expect(200)).body.items as Item[];
  const download = (caller: string, index: number) => as(caller).get(`/v1/quarantine/${item.id}/attachments/${index}`).buffer(true).parse(binaryBody);

  beforeAll(async () => {
    ctx = await TestContext.create((c) => ({ ...c, logLevel: 'silent', inbound: { ...c.inbound, lockTtlMs: 3_000, pollIntervalMs: 500 } }));
    api = await ctx.startApi();
    as = callerOf(api.http);
    a = await aCompanyWorld(api.app, api.http, 'Permanence Pièces Quarantaine');
    b = await aCompanyWorld(api.app, api.http, 'Autre Permanence');
    imap = await new ImapFlowMailboxClient().connect({ host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password });
    await imap.ensureFolder(folder);
    const files = [
      { filename: 'relevé de compteur.bin', contentType: 'application/octet-stream', content: scan },
      { filename: 'page.html', contentType: 'text/html', content: page },
    ];
    await imap.append(folder, buildWithFiles(files, { from: 'Jean Inconnu <jean@ailleurs.test>', to: 'accueil@permanence.test', subject: 'Mon relevé' }, 'Voici mon relevé.'));
    await aWatchedMailbox(api.http, a.manager, folder);
    await ctx.startWorker();
    await waitFor(async () => (await items()).some((i) => i.subject === 'Mon relevé'), 30_000, 'the mail in the quarantine');
    item = (await items()).find((i) => i.subject === 'Mon relevé')!;
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    for (const name of [folder, `${folder}-done`, `${folder}-failed`]) await imap?.deleteFolder(name).catch(() => undefined);
    await imap?.close();
  }, 60_000);

  it('lists the files as downloadable and sends each byte for byte, as an attachment with a safe name', async () => {
    const content = await as(a.operator).get(`/v1/quarantine/${item.id}/content`).expect(200);
    expect(content.body.attachments).toEqual([
      { filename: 'relevé de compteur.bin', contentType: 'application/octet-stream', size: scan.length, downloadable: true },
      { filename: 'page.html', contentType: 'text/html', size: page.length, downloadable: true },
    ]);
    const res = await download(a.operator, 0);
    expect(res.status).toBe(200);
    expect(Buffer.compare(res.body as Buffer, scan)).toBe(0);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-length']).toBe(String(scan.length));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="releve de compteur.bin"; filename*=UTF-8''relev%C3%A9%20de%20compteur.bin`);
    // A page from a stranger is never rendered in our origin: downloaded, not sniffed.
    const html = await download(a.operator, 1);
    expect(html.status).toBe(200);
    expect(Buffer.compare(html.body as Buffer, page)).toBe(0);
    expect(html.headers['content-disposition']).toMatch(/^attachment; filename="page.html"/);
    expect(html.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a file that is not there with a 404 and its code, and a bad index or id with a 400', async () => {
    for (const index of [2, -1]) {
      const missing = await as(a.operator).get(`/v1/quarantine/${item.id}/attachments/${index}`);
      expect({ index, status: missing.status, code: missing.body.code }).toEqual({ index, status: 404, code: 'not_found' });
    }
    expect((await as(a.operator).get(`/v1/quarantine/${item.id}/attachments/x`)).body).toMatchObject({ code: 'invalid_id' });
    expect((await as(a.operator).get('/v1/quarantine/not-an-id/attachments/0')).body).toMatchObject({ code: 'invalid_id' });
  });

  it('is a 404 for another company, a 403 without quarantine.triage, a 401 without a session', async () => {
    for (const caller of [b.manager, b.operator]) {
      const other = await as(caller).get(`/v1/quarantine/${item.id}/attachments/0`);
      expect({ status: other.status, code: other.body.code }).toEqual({ status: 404, code: 'not_found' });
    }
    const night = await as(a.manager)
      .post('/v1/users', { rightsTemplateId: a.customTemplateId, firstName: 'Nina', lastName: 'Nuit', email: `nina.${randomBytes(4).toString('hex')}@example.test` })
      .expect(201);
    const token = (await as(a.manager).post(`/v1/users/${night.body.id}/tokens`, { name: 'nuit' }).expect(201)).body.token as string;
    const refused = await as(`Bearer ${token}`).get(`/v1/quarantine/${item.id}/attachments/0`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'permission_denied', message: expect.stringContaining('quarantine.triage') });
    expect((await api.http.get(`/v1/quarantine/${item.id}/attachments/0`)).status).toBe(401);
  });

  it('still sends the files of a discarded item (it stays readable until its retention), not once the mail is purged', async () => {
    await as(a.operator).post(`/v1/quarantine/${item.id}/discard`, { reason: 'Relevé déjà saisi' }).expect(200);
    const kept = await download(a.operator, 0);
    expect(kept.status).toBe(200);
    expect(Buffer.compare(kept.body as Buffer, scan)).toBe(0);

    // What the retention purge does to the stored mail (inbound-retention.ts), here without waiting days.
    const em = api.app.get(EntityManager).fork();
    await em.getConnection().execute(`update inbound_email set raw = ''::bytea, raw_purged_at = now() where company_id = ?`, [a.companyId]);
    const content = await as(a.operator).get(`/v1/quarantine/${item.id}/content`).expect(200);
    expect(content.body).toMatchObject({ purged: true, attachments: [] });
    const purged = await as(a.operator).get(`/v1/quarantine/${item.id}/attachments/0`);
    expect({ status: purged.status, code: purged.body.code }).toEqual({ status: 404, code: 'not_found' });
  });
});
