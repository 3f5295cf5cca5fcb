import { Injectable } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { DomainError } from '../../core/errors/domain-error.js';
import { type FolderState, MailboxClient, type MailboxSession, type MailboxSettings, type StoredMail, type WatchOptions } from './mailbox.port.js';

const CONNECT_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 5 * 60_000;

class ImapFlowSession implements MailboxSession {
  constructor(private readonly client: ImapFlow) {}

  get supportsIdle(): boolean {
    return this.client.capabilities.has('IDLE');
  }

  async folderState(folder: string): Promise<FolderState> {
    // Some servers (Dovecot) answer STATUS on the selected folder from the session's last view:
    // a NOOP first makes them report what arrived since.
    if (this.client.mailbox && this.client.mailbox.path === folder) await this.client.noop();
    const status = await this.client.status(folder, { uidValidity: true, uidNext: true, messages: true });
    if (!status) throw new DomainError('unprocessable', `The server gave no status for folder "${folder}"`);
    return {
      uidValidity: BigInt(status.uidValidity ?? 0),
      uidNext: status.uidNext ?? 1,
      messages: status.messages ?? 0,
    };
  }

  async ensureFolder(folder: string): Promise<void> {
    const existing = await this.client.list();
    if (existing.some((entry) => entry.path === folder)) return;
    await this.client.mailboxCreate(folder);
  }

  async deleteFolder(folder: string): Promise<void> {
    await this.client.mailboxDelete(folder);
  }

  async append(folder: string, source: Buffer | string, flags: string[] = []): Promise<{ uid: number | null }> {
    const result = await this.client.append(folder, source, flags);
    return { uid: result && typeof result.uid === 'number' ? result.uid : null };
  }

  async fetchAfter(folder: string, afterUid: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): Promise<StoredMail[]> {
    const lock = await this.client.getMailboxLock(folder);
    try {
      const mailbox = this.client.mailbox;
      if (!mailbox || mailbox.exists === 0) return [];
      const uidValidity = BigInt(mailbox.uidValidity);
      // UIDs first, then the sources of one batch only: a backlog of thousands is never loaded at once.
      // "N:*" always matches the last message even when its UID is below N, hence the filter.
      let uids = ((await this.client.search({ uid: `${afterUid + 1}:*` }, { uid: true })) || [])
        .filter((uid) => uid > afterUid)
        .sort((a, b) => a - b)
        .slice(0, limit);
      if (uids.length === 0) return [];
      if (Number.isFinite(maxBytes)) uids = await this.withinBytes(uids, maxBytes);
      const found: StoredMail[] = [];
      for await (const message of this.client.fetch(uids.join(','), { uid: true, flags: true, internalDate: true, source: true }, { uid: true })) {
        if (!message.source) continue;
        found.push({
          uid: message.uid,
          uidValidity,
          source: message.source,
          flags: [...(message.flags ?? [])],
          internalDate: message.internalDate ? new Date(message.internalDate) : null,
        });
      }
      return found.sort((a, b) => a.uid - b.uid);
    } finally {
      lock.release();
    }
  }

  /** The first UIDs whose sizes add up to at most `maxBytes` (always at least one). */
  private async withinBytes(uids: number[], maxBytes: number): Promise<number[]> {
    const sizes = new Map<number, number>();
    for await (const message of this.client.fetch(uids.join(','), { uid: true, size: true }, { uid: true })) sizes.set(message.uid, message.size ?? 0);
    const kept: number[] = [];
    let total = 0;
    for (const uid of uids) {
      total += sizes.get(uid) ?? 0;
      if (kept.length > 0 && total > maxBytes) break;
      kept.push(uid);
    }
    return kept;
  }

  async moveMessages(folder: string, uidValidity: bigint, uids: number[], destination: string, flags: string[]): Promise<void> {
    if (uids.length === 0) return;
    await this.ensureFolder(destination);
    const lock = await this.client.getMailboxLock(folder);
    try {
      const mailbox = this.client.mailbox;
      if (!mailbox || BigInt(mailbox.uidValidity) !== uidValidity) return;
      const range = uids.join(',');
      if (flags.length > 0) await this.client.messageFlagsAdd(range, flags, { uid: true });
      await this.client.messageMove(range, destination, { uid: true });
    } finally {
      lock.release();
    }
  }

  async watch(folder: string, onChange: () => void, onClose: (reason: string) => void): Promise<void> {
    this.client.on('exists', onChange);
    let closed = false;
    const closeOnce = (reason: string) => {
      if (closed) return;
      closed = true;
      onClose(reason);
    };
    this.client.on('close', () => closeOnce('connection closed'));
    this.client.on('error', (error: Error) => closeOnce(error.message));
    await this.client.mailboxOpen(folder);
  }

  async close(): Promise<void> {
    try {
      await this.client.logout();
    } catch {
      this.client.close();
    }
  }
}

/** MailboxClient over imapflow, with bounded connect and socket timeouts. */
@Injectable()
export class ImapFlowMailboxClient extends MailboxClient {
  async connect(settings: MailboxSettings, watch?: WatchOptions): Promise<MailboxSession> {
    const client = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: { user: settings.user, pass: settings.password },
      tls: { rejectUnauthorized: settings.verifyCertificate ?? true },
      logger: false,
      connectionTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      // A watching session goes back to IDLE right after each command (new mail is announced at
      // once), re-issues IDLE before the server's 30-minute limit, and polls with NOOP where the
      // server has no IDLE (NOOP is how RFC 3501 polls a selected folder; STATUS on it may answer
      // from a stale view). Other sessions never IDLE.
      ...(watch
        ? { autoIdleDelay: 100, maxIdleTime: watch.maxIdleMs, missingIdleCommand: 'NOOP' as const }
        : { disableAutoIdle: true }),
    });
    // Socket errors after connect are surfaced by the next command; an unhandled event would crash.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      client.close();
      const reason = (error as { responseText?: string }).responseText ?? (error as Error).message;
      throw new DomainError('unprocessable', `Could not connect to ${settings.host}:${settings.port}: ${reason}`);
    }
    return new ImapFlowSession(client);
  }
}
