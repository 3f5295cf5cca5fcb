import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { InboundAppend } from '../../src/conversations/inbound-append.js';
import type { EntryAttachment } from '../../src/conversations/conversation.entity.js';
import { AttachmentStorage } from '../../src/inbound/email/attachment-storage.js';
import { aCompanyWorld } from '../factories/world.factory.js';
import { binaryBody } from '../harness/binary-body.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

describe('files received with email replies, downloaded by who may see the thread', () => {
  const attachmentsDir = mkdtempSync(join(tmpdir(), 'relais-dl-'));
  const env = useTestApi((c) => ({ ...c, inbound: { ...c.inbound, attachmentsDir } }));
  afterAll(() => rmSync(attachmentsDir, { recursive: true, force: true }));

  /** A reply by email on `thread` with these files, kept as the mail path keeps them (through the storage port). */
  const replyWithFiles = async (companyId: string, thread: string, files: { name: string; contentType: string; content: Buffer | null }[]): Promise<string> => {
    const storage = env.api.app.get(AttachmentStorage);
    const key = randomBytes(6).toString('hex');
    const attachments: EntryAttachment[] = [];
    for (const [i, f] of files.entries()) {
      attachments.push(
        f.content
          ? { name: f.name, contentType: f.contentType, size: f.content.length, location: await storage.put(`${companyId}/${key}/${i + 1}-file`, f.content, f.contentType) }
          : { name: f.name, contentType: f.contentType, size: 9_000_000, location: null, omitted: 'larger than 1000000 bytes: not kept' },
      );
    }
    const [reply] = await env.api.app.get(InboundAppend).appendMany([
      { conversationId: thread, origin: 'email', inboundKey: `email:${key}`, senderAddress: 'contact@durand.test', body: 'Voici le devis.', attachments },
    ]);
    return reply.entryId;
  };

  it('streams the kept file with its type, as an attachment with a safe name; 404 for a file not kept or gone', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Pièces');
    const as = callerOf(http);
    const thread = (await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Devis', body: 'b', copies: [] }).expect(201)).body.id as string;
    const pdf = randomBytes(20_000);
    const entryId = await replyWithFiles(world.companyId, thread, [
      { name: 'devis "final"/été.pdf', contentType: 'application/pdf', content: pdf },
      { name: 'scan.tif', contentType: 'image/tiff', content: null },
      { name: 'page.html', contentType: 'text/html', content: Buffer.from('<script>alert(1)</script>') },
    ]);
    const replies = (await as(world.operator).get(`/v1/messages/${thread}`).expect(200)).body.replies as { id: string; attachments: { name: string }[] }[];
    expect(replies.find((r) => r.id === entryId)!.attachments.map((a) => a.name)).toEqual(['devis "final"/été.pdf', 'scan.tif', 'page.html']);

    for (const caller of [world.operator, world.manager, world.clientAccount]) {
      const res = await as(caller).get(`/v1/entries/${entryId}/attachments/0`).buffer(true).parse(binaryBody);
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body as Buffer, pdf)).toBe(0);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-length']).toBe('20000');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="devis _final__ete.pdf"; filename*=UTF-8''devis%20%22final%22_%C3%A9t%C3%A9.pdf`);
    }
    const html = await as(world.operator).get(`/v1/entries/${entryId}/attachments/2`);
    expect(html.status).toBe(200);
    expect(html.headers['content-disposition']).toMatch(/^attachment; /);
    expect(html.headers['x-content-type-options']).toBe('nosniff');

    expect((await as(world.operator).get(`/v1/entries/${entryId}/attachments/1`)).body).toMatchObject({ code: 'not_found' });
    expect((await as(world.operator).get(`/v1/entries/${entryId}/attachments/3`)).status).toBe(404);
    expect((await as(world.operator).get(`/v1/entries/${entryId}/attachments/-1`)).status).toBe(404);
    expect((await as(world.operator).get(`/v1/entries/${entryId}/attachments/x`)).body).toMatchObject({ code: 'invalid_id' });
    expect((await as(world.operator).get(`/v1/entries/not-an-id/attachments/0`)).body).toMatchObject({ code: 'invalid_id' });

    expect((await as(world.operator).get('/v1/entries/0190c0de-0000-7000-8000-000000000000/attachments/0')).body).toMatchObject({ code: 'not_found' });
    // An MMS's picture stays at the provider: listed on the entry, nothing of ours to download.
    const [mms] = await app.get(InboundAppend).appendMany([
      {
        conversationId: thread, origin: 'sms', inboundKey: `sms:${randomBytes(6).toString('hex')}`, senderAddress: '+33612345678', body: 'Photo de la fuite',
        attachments: [{ name: 'photo.jpg', contentType: 'image/jpeg', size: 120_000, location: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1' }],
      },
    ]);
    expect((await as(world.operator).get(`/v1/entries/${mms.entryId}/attachments/0`)).body).toMatchObject({ code: 'not_found' });

    // Purged from the storage since: the entry still lists it, the download is a 404.
    rmSync(join(attachmentsDir, world.companyId), { recursive: true, force: true });
    expect((await as(world.operator).get(`/v1/entries/${entryId}/attachments/0`)).status).toBe(404);
  });

  it('is a 404 for another company, a client account on another file, and staff kept out of a private thread', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Privée');
    const other = await aCompanyWorld(app, http, 'Autre Permanence');
    const as = callerOf(http);
    const bytes = randomBytes(500);
    const onOtherFile = (await as(world.operator).post(`/v1/clients/${world.otherClientId}/messages`, { subject: 'Autre dossier', body: 'b', copies: [] }).expect(201)).body.id as string;
    const privateThread = (await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Privé', body: 'b', private: true, copies: [] }).expect(201)).body.id as string;
    const shared = await replyWithFiles(world.companyId, onOtherFile, [{ name: 'a.pdf', contentType: 'application/pdf', content: bytes }]);
    const hidden = await replyWithFiles(world.companyId, privateThread, [{ name: 'b.pdf', contentType: 'application/pdf', content: bytes }]);

    expect((await as(world.manager).get(`/v1/entries/${shared}/attachments/0`)).status).toBe(200);
    for (const caller of [other.manager, other.operator]) expect((await as(caller).get(`/v1/entries/${shared}/attachments/0`)).body).toMatchObject({ code: 'not_found' });
    expect((await as(world.clientAccount).get(`/v1/entries/${shared}/attachments/0`)).body).toMatchObject({ code: 'not_found' });
    expect((await as(world.operator).get(`/v1/entries/${hidden}/attachments/0`)).status).toBe(200);
    expect((await as(world.manager).get(`/v1/entries/${hidden}/attachments/0`)).body).toMatchObject({ code: 'not_found' });
    expect((await http.get(`/v1/entries/${shared}/attachments/0`)).status).toBe(401);
  });
});
