import { boundSql } from '../core/database/sql-rows.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AuditService, type Snapshot } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { SecretBox } from '../core/crypto/secret-box.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { MailboxHostPolicy } from './imap/host-policy.js';
import { REACH_TIMEOUT_MS } from './imap/imapflow-mailbox.client.js';
import { MailboxClient, type MailboxSettings } from './imap/mailbox.port.js';
import type { CreateMailboxDto, MailboxTestResult, UpdateMailboxDto } from './dto/mailbox.dto.js';
import { Mailbox } from './mailbox.entity.js';

/** Where a mailbox's connection settings come from: the row, with its password unsealed. */
export function mailboxSettings(mailbox: Mailbox, box: SecretBox): MailboxSettings {
  return {
    host: mailbox.host,
    port: mailbox.port,
    secure: mailbox.secure,
    user: mailbox.username,
    password: box.open(mailbox.passwordSealed),
    verifyCertificate: mailbox.verifyCertificate,
  };
}

/** What the audit log keeps of a mailbox: its settings, not its sealed password (hidden) nor the watcher's progress. */
function settingsOf(mailbox: Mailbox): Snapshot {
  const settings = snapshot(mailbox) ?? {};
  for (const progress of ['cursorUidValidity', 'cursorUid', 'lastError', 'lastConnectedAt']) delete settings[progress];
  return settings;
}

/** Companies' IMAP mailboxes: configuration and a connection test. Watching is the worker's job. */
@Injectable()
export class MailboxesService {
  constructor(
    private readonly em: EntityManager,
    private readonly box: SecretBox,
    private readonly client: MailboxClient,
    private readonly hosts: MailboxHostPolicy,
    private readonly audit: AuditService,
  ) {}

  list(auth: AuthContext): Promise<Mailbox[]> {
    return this.em.find(Mailbox, { companyId: auth.companyId }, { orderBy: { id: 'asc' } });
  }

  async get(auth: AuthContext, id: string): Promise<Mailbox> {
    const mailbox = await this.em.findOne(Mailbox, { companyId: auth.companyId, id });
    if (!mailbox) throw new NotFoundError('Mailbox');
    return mailbox;
  }

  async create(auth: AuthContext, input: CreateMailboxDto): Promise<Mailbox> {
    const { password, ...rest } = input;
    this.checkFolders(rest);
    await this.hosts.target(rest.host);
    await this.ensureAccountFree(rest, null);
    const mailbox = this.em.create(Mailbox, { ...rest, companyId: auth.companyId, passwordSealed: this.box.seal(password) });
    this.audit.record(this.em, auth, 'mailbox.create', { type: 'mailbox', id: mailbox.id }, null, settingsOf(mailbox));
    await this.flush();
    return mailbox;
  }

  async update(auth: AuthContext, id: string, changes: UpdateMailboxDto): Promise<Mailbox> {
    const mailbox = await this.get(auth, id);
    const { password, ...rest } = changes;
    const folderBefore = mailbox.folder;
    const before = settingsOf(mailbox);
    const accountBefore = accountKey(mailbox);
    const activeBefore = mailbox.active;
    this.em.assign(mailbox, rest);
    this.checkFolders(mailbox);
    if (changes.host !== undefined) await this.hosts.target(mailbox.host);
    if (accountKey(mailbox) !== accountBefore || (mailbox.active && !activeBefore)) await this.ensureAccountFree(mailbox, mailbox.id);
    if (password !== undefined) mailbox.passwordSealed = this.box.seal(password);
    // Another folder (or server) is another UID space: start its cursor afresh; dedup covers re-reads.
    if (mailbox.folder !== folderBefore || changes.host !== undefined || changes.username !== undefined) {
      mailbox.cursorUidValidity = null;
      mailbox.cursorUid = 0;
    }
    // Say that the password changed without saying what it is.
    this.audit.record(this.em, auth, 'mailbox.update', { type: 'mailbox', id }, before, { ...settingsOf(mailbox), ...(password !== undefined ? { password: 'changed' } : {}) });
    await this.flush();
    return mailbox;
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const mailbox = await this.get(auth, id);
    this.audit.record(this.em, auth, 'mailbox.delete', { type: 'mailbox', id }, settingsOf(mailbox), null);
    await this.em.remove(mailbox).flush();
  }

  /**
   * Logs in, reads the watched folder and creates the processed and failed folders (as the
   * watcher would): a folder the server refuses fails the test with the server's words. A failure
   * is reported in the answer, not as an error.
   */
  async test(auth: AuthContext, id: string): Promise<MailboxTestResult> {
    const mailbox = await this.get(auth, id);
    let settings: MailboxSettings;
    try {
      settings = mailboxSettings(mailbox, this.box);
    } catch {
      return { ok: false, error: 'The stored password cannot be decrypted with the current SECRETS_KEY; set it again' };
    }
    const started = Date.now();
    try {
      const session = await this.client.connect(settings);
      try {
        const state = await session.folderState(mailbox.folder);
        await session.ensureFolder(mailbox.processedFolder);
        await session.ensureFolder(mailbox.failedFolder);
        return { ok: true, messages: state.messages, uidValidity: state.uidValidity.toString() };
      } finally {
        await session.close();
      }
    } catch (error) {
      if (error instanceof DomainError && error.code === 'mailbox_unreachable') {
        // Every unreachable server is answered when the slowest would be (a filtered port times
        // out): refused, closed and open-but-not-IMAP ports cannot be told apart by the delay.
        await new Promise((resolve) => setTimeout(resolve, started + UNREACHABLE_ANSWER_MS - Date.now()));
        return { ok: false, code: error.code, error: error.message };
      }
      return { ok: false, code: error instanceof DomainError ? error.code : 'unprocessable', error: (error as Error).message };
    }
  }

  /**
   * One watcher per IMAP folder across the deployment: two mailboxes on the same account and
   * folder race, each moving away mail the other has not read. The answer says nothing of the
   * mailbox already there (its company, its id, its name): it may be another company's.
   */
  private async ensureAccountFree(account: Partial<Pick<Mailbox, 'host' | 'port' | 'username' | 'folder'>>, except: string | null): Promise<void> {
    const taken = await boundSql<{ id: string }>(
      this.em,
      `select id from mailbox
        where lower(host) = lower(?) and port = ? and lower(username) = lower(?)
          and (case when upper(folder) = 'INBOX' then 'INBOX' else folder end) = (case when upper(?) = 'INBOX' then 'INBOX' else ? end)
          and id is distinct from ? limit 1`,
      [account.host, account.port, account.username, account.folder ?? 'INBOX', account.folder ?? 'INBOX', except],
    );
    if (taken.length > 0) throw alreadyWatched();
  }

  /** A concurrent create of the same account passes the check above; the unique index refuses it. */
  private async flush(): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException && error.message.includes('mailbox_account_unique')) throw alreadyWatched();
      throw error;
    }
  }

  private checkFolders(mailbox: Pick<Mailbox, 'folder' | 'processedFolder' | 'failedFolder'> | Partial<CreateMailboxDto>): void {
    const folder = mailbox.folder ?? 'INBOX';
    if (folder === mailbox.processedFolder || folder === mailbox.failedFolder) {
      throw new DomainError('unprocessable', 'The processed and failed folders must differ from the watched folder', { field: 'processedFolder' });
    }
  }
}

/** A little past the connection deadline, so the padded answers are never the earliest. */
const UNREACHABLE_ANSWER_MS = REACH_TIMEOUT_MS + 100;

function accountKey(mailbox: Pick<Mailbox, 'host' | 'port' | 'username' | 'folder'>): string {
  const folder = mailbox.folder.toUpperCase() === 'INBOX' ? 'INBOX' : mailbox.folder;
  return JSON.stringify([mailbox.host.toLowerCase(), mailbox.port, mailbox.username.toLowerCase(), folder]);
}

function alreadyWatched(): DomainError {
  return new DomainError(
    'mailbox_already_watched',
    'This IMAP account and folder are already watched by a mailbox of this deployment; a folder can have only one watcher. Watch another folder, or receive through the mailbox already watching it.',
  );
}
