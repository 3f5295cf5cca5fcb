import { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { Mailbox } from '../../src/channels/mailbox.entity.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { InboundEmailStore } from '../../src/inbound/email/inbound-email.store.js';
import { aCompanyWorld } from '../factories/world.factory.js';
import { buildMail } from '../fixtures/mail/builder.js';
import { useTestApi } from '../harness/test-context.js';

/** Bound statements, and the raw bytes the watcher hands to the batch job, on the real database. */
describe('inbound store', () => {
  const env = useTestApi();

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
    const mailbox = em.create(Mailbox, {
      companyId: world.companyId,
      name: 'Remise',
      host: '127.0.0.1',
      port: 3143,
      secure: false,
      username: 'relais',
      passwordSealed: new SecretBox(env.ctx.config.secretsKey).seal('secret'),
      folder: 'INBOX',
      processedFolder: 'Done',
      failedFolder: 'Failed',
    });
    await em.flush();
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
});
