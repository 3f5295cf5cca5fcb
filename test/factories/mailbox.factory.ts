import type { EntityManager } from '@mikro-orm/postgresql';
import { Mailbox } from '../../src/channels/mailbox.entity.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';

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
