import type { EntityManager } from '@mikro-orm/postgresql';
import type TestAgent from 'supertest/lib/agent.js';
import { Mailbox } from '../../src/channels/mailbox.entity.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { IMAP } from '../harness/services.js';

/**
 * A mailbox of the company on the harness Dovecot, stored without a connection test, for specs that
 * store and process mail in-process (no watcher). Each (folder) is a mailbox of its own: the account
 * and folder are unique across the deployment.
 */
export async function aMailbox(em: EntityManager, companyId: string, secretsKey: string, folder = 'INBOX'): Promise<Mailbox> {
  const mailbox = em.create(Mailbox, {
    companyId,
    name: folder,
    host: '127.0.0.1',
    port: 3143,
    secure: false,
    username: 'relais',
    passwordSealed: new SecretBox(secretsKey).seal('secret'),
    folder,
    processedFolder: 'Done',
    failedFolder: 'Failed',
  });
  await em.flush();
  return mailbox;
}

/**
 * A mailbox watching `folder` on the harness Dovecot, created through the API as an admin does (its
 * processed and failed folders beside it, `-done` and `-failed`): a worker started after it reads
 * what the spec appended there.
 */
export async function aWatchedMailbox(http: TestAgent, authorization: string, folder: string, name = 'Accueil'): Promise<string> {
  const created = await http
    .post('/v1/channels/mailboxes')
    .set('Authorization', authorization)
    .send({ name, host: IMAP.host, port: IMAP.port, secure: false, username: IMAP.user, password: IMAP.password, folder, processedFolder: `${folder}-done`, failedFolder: `${folder}-failed` })
    .expect(201);
  return created.body.id as string;
}
