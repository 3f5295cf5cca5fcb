import { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { Mailbox } from '../../src/channels/mailbox.entity.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { InboundEmailStore } from '../../src/inbound/email/inbound-email.store.js';
import { QuarantineService } from '../../src/inbound/quarantine/quarantine.service.js';
import { aCompanyWorld } from '../factories/world.factory.js';
import { buildMail } from '../fixtures/mail/builder.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/** Bound statements, and the raw bytes the watcher hands to the batch job, on the real database. */
describe('inbound store', () => {
  const env = useTestApi();

  /** A mailbox of `companyId`, as an admin configures it (the store needs no server). */
  const aMailbox = async (em: EntityManager, companyId: string, name: string) => {
    const mailbox = em.create(Mailbox, {
      companyId,
      name,
      host: '127.0.0.1',
      port: 3143,
      secure: false,
      username: `relais-${name.toLowerCase()}`,
      passwordSealed: new SecretBox(env.ctx.config.secretsKey).seal('secret'),
      folder: 'INBOX',
      processedFolder: 'Done',
      failedFolder: 'Failed',
    });
    await em.flush();
    return mailbox;
  };

  it('boundSql sends Buffers as binary, byte for byte, and refuses a statement whose values do not match its placeholders', async () => {
    const em = env.api.app.get(EntityManager).fork();
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const [row] = await boundSql<{ b: Buffer; n: string }>(em, 'select ?::bytea as b, ?::text as n', [every, "l'apostrophe ? et $1"]);
    expect(Buffer.compare(row.b, every)).toBe(0);
    expect(row.n).toBe("l'apostrophe ? et $1");
    await expect(boundSql(em, 'select ?::int, ?::int', [1])).rejects.toThrow('boundSql: 2 placeholders for 1 values');
  });

  it('boundSql runs in the entity manager’s transaction: a temporary table made there is seen there, and gone after', async () => {
    const em = env.api.app.get(EntityManager).fork();
    const seen = await em.transactional(async (tx) => {
      await boundSql(tx, 'create temporary table bound_probe (x int) on commit drop');
      await boundSql(tx, 'insert into bound_probe (x) values (?), (?)', [1, 2]);
      return boundSql<{ n: number }>(tx, 'select count(*)::int as n from bound_probe');
    });
    expect(seen).toEqual([{ n: 2 }]);
    await expect(boundSql(em, 'select count(*) from bound_probe')).rejects.toThrow(/bound_probe/);
  });

  it('hands the raw bytes of rows it inserted to the batch job once; a re-fetch of stored mail hands nothing (the job reads the row)', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Remise');
    const em = app.get(EntityManager).fork();
    const mailbox = await aMailbox(em, world.companyId, 'Remise');
    const store = app.get(InboundEmailStore);
    const mails = [1, 2, 3].map((uid) => ({ uid, uidValidity: 77n, source: buildMail({ to: 'accueil@relais.test', subject: `Re: ${uid}`, text: `Réponse ${uid}` }) }));

    const ids = await store.storeBatch(mailbox, mails);
    expect(ids).toHaveLength(3);
    const raw = await boundSql<{ id: string; raw: Buffer }>(em, 'select id, raw from inbound_email where id = any(?::uuid[]) order by uid', [ids]);
    expect(raw.map((r) => r.id)).toEqual(ids);
    for (const [i, id] of ids.entries()) {
      const handed = store.takeRaw(id);
      expect(handed && Buffer.compare(handed, raw[i].raw)).toBe(0);
      expect(store.takeRaw(id)).toBeNull();
    }

    // The same UIDs fetched again (after a crash): the first rows stay, still to process, and no
    // bytes are handed over for them.
    expect(await store.storeBatch(mailbox, mails)).toEqual(ids);
    for (const id of ids) expect(store.takeRaw(id)).toBeNull();
  });

  it('keeps what a mailbox received when an admin deletes it: quarantined mail stays readable and can still be discarded', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Boîte Supprimée');
    const em = app.get(EntityManager).fork();
    const mailbox = await aMailbox(em, world.companyId, 'Ancienne');
    const source = buildMail({ from: 'inconnu@ailleurs.test', to: 'accueil@relais.test', subject: 'Question', text: 'Qui lit cette boîte ?' });
    const [inboundId] = await app.get(InboundEmailStore).storeBatch(mailbox, [{ uid: 1, uidValidity: 5n, source }]);
    const item = await app.get(QuarantineService).quarantine({
      companyId: world.companyId,
      channel: 'email',
      sourceId: inboundId,
      reason: 'no_thread',
      sender: 'inconnu@ailleurs.test',
      subject: 'Question',
      preview: 'Qui lit cette boîte ?',
    });
    const as = callerOf(http);

    expect((await as(world.manager).del(`/v1/channels/mailboxes/${mailbox.id}`)).status).toBe(204);
    expect((await as(world.manager).get(`/v1/channels/mailboxes/${mailbox.id}`)).status).toBe(404);
    const content = await as(world.manager).get(`/v1/quarantine/${item.id}/content`);
    expect(content.status).toBe(200);
    expect(JSON.stringify(content.body)).toContain('Qui lit cette boîte ?');
    expect((await as(world.manager).post(`/v1/quarantine/${item.id}/discard`, { reason: 'Boîte fermée' })).body).toMatchObject({ status: 'discarded' });
    const [kept] = await boundSql<{ n: number }>(em, 'select count(*)::int as n from inbound_email where id = ?', [inboundId]);
    expect(kept.n).toBe(1);
  });
});
