import { Injectable } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { DomainError } from '../../core/errors/domain-error.js';
import { MailboxHostPolicy, mailboxUnreachable } from './host-policy.js';
import { type FolderState, MailboxClient, type MailboxSession, type MailboxSettings, type StoredMail, type WatchOptions } from './mailbox.port.js';

/**
 * How long reaching a server may take, name resolution to IMAP greeting. Short: the connection
 * test waits for it, and so does every answer about an unreachable server (see MailboxesService).
 */
export const REACH_TIMEOUT_MS = 4_000;
/** How long a test waits for a server that greeted to let it in. */
const LOGIN_TIMEOUT_MS = 20_000;
/** A watcher's TCP connect and greeting wait, each: a loaded server is waited for a little longer. */
const WATCH_CONNECT_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 5 * 60_000;
/** Mail up to this size is counted at this size when batching by bytes; larger mail by its own size. */
const SMALL_MAIL_BYTES = 100 * 1024;

/** A folder's messages after a cursor, as last listed by a session. */
interface Listing {
  folder: string;
  uidValidity: bigint;
  listedAfter: number;
  /** `size`: the exact size of a large mail, SMALL_MAIL_BYTES for the others (at most that). */
  messages: { uid: number; size: number }[];
}

/**
 * The next UIDs after `afterUid`, at most `limit` and, past the first one, at most `maxBytes` in
 * total (a folder of huge mails is read a few at a time).
 */
/** An IMAP sequence set of UIDs, runs written as ranges: `3,5:9,12` (an ascending list). */
export function uidSet(uids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < uids.length; ) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j] + 1) j++;
    parts.push(j > i ? `${uids[i]}:${uids[j]}` : `${uids[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The server's name of a configured folder. Configured names write sub-folders with "/" (the
 * default `Relais/Processed`), whatever the server separates with: a stock Dovecot (maildir)
 * uses "." and refuses "/" in names. INBOX is the same everywhere.
 */
export function serverPath(folder: string, delimiter: string | null | undefined): string {
  if (!delimiter || delimiter === '/' || folder.toUpperCase() === 'INBOX') return folder;
  return folder.split('/').join(delimiter);
}

/** Dovecot ends its answers with its own timing ("(0.001 + 0.000 secs)."): noise in a stored error. */
const SERVER_TIMING = /\s*\(\d+\.\d+(?: \+ \d+\.\d+)* secs\)\.?\s*$/;

/**
 * What the server said about a failed command: imapflow's own message is only "Command failed",
 * the server's text (and its RFC 5530 code) tell the user what to fix.
 */
export function serverReason(error: unknown): string {
  const { responseText, serverResponseCode, message } = error as { responseText?: unknown; serverResponseCode?: unknown; message?: unknown };
  const text = typeof responseText === 'string' ? responseText.replace(SERVER_TIMING, '').trim() : '';
  if (!text) return typeof message === 'string' ? message : String(error);
  return typeof serverResponseCode === 'string' && serverResponseCode ? `${text} [${serverResponseCode}]` : text;
}

function pickBatch(messages: Listing['messages'], afterUid: number, limit: number, maxBytes: number): number[] {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (messages[mid].uid <= afterUid) lo = mid + 1;
    else hi = mid;
  }
  const picked: number[] = [];
  let total = 0;
  for (let i = lo; i < messages.length && picked.length < limit; i++) {
    total += messages[i].size;
    if (picked.length > 0 && total > maxBytes) break;
    picked.push(messages[i].uid);
  }
  return picked;
}

class ImapFlowSession implements MailboxSession {
  private listing: Listing | null = null;

  constructor(private readonly client: ImapFlow) {}

  get supportsIdle(): boolean {
    return this.client.capabilities.has('IDLE');
  }

  /** The server's name of a configured folder (see serverPath). */
  private path(folder: string): string {
    return serverPath(folder, this.client.namespace?.delimiter);
  }

  /** Runs a command; a failure names the folder and carries the server's own words. */
  private async command<T>(what: string, folder: string, run: (path: string) => Promise<T>): Promise<T> {
    const path = this.path(folder);
    try {
      return await run(path);
    } catch (error) {
      const named = path === folder ? `"${folder}"` : `"${folder}" ("${path}" on this server)`;
      throw new DomainError('unprocessable', `Could not ${what} folder ${named}: ${serverReason(error)}`);
    }
  }

  folderState(folder: string): Promise<FolderState> {
    return this.command('read', folder, (path) => this.status(path));
  }

  private async status(folder: string): Promise<FolderState> {
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

  ensureFolder(folder: string): Promise<void> {
    return this.command('create', folder, async (path) => {
      // LIST answers with the namespace prefix (INBOX. on some servers), which CREATE adds itself.
      const prefix = this.client.namespace?.prefix ?? '';
      const existing = await this.client.list();
      if (existing.some((entry) => entry.path === path || entry.path === prefix + path)) return;
      await this.client.mailboxCreate(path);
    });
  }

  deleteFolder(folder: string): Promise<void> {
    return this.command('delete', folder, async (path) => {
      await this.client.mailboxDelete(path);
    });
  }

  append(folder: string, source: Buffer | string, flags: string[] = []): Promise<{ uid: number | null }> {
    return this.command('append to', folder, async (path) => {
      const result = await this.client.append(path, source, flags);
      return { uid: result && typeof result.uid === 'number' ? result.uid : null };
    });
  }

  fetchAfter(folder: string, afterUid: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): Promise<StoredMail[]> {
    return this.command('read', folder, (path) => this.fetch(path, afterUid, limit, maxBytes));
  }

  private async fetch(folder: string, afterUid: number, limit: number, maxBytes: number): Promise<StoredMail[]> {
    const lock = await this.client.getMailboxLock(folder);
    try {
      const mailbox = this.client.mailbox;
      if (!mailbox || mailbox.exists === 0) return [];
      const uidValidity = BigInt(mailbox.uidValidity);
      // The folder is listed (UIDs and sizes) once, then read a batch at a time from that list: a
      // backlog of thousands is neither loaded at once nor listed again for every batch. New mail
      // always gets a higher UID than the list holds, so the list is read to its end, then the
      // folder is listed again; a batch whose mail all vanished meanwhile lists it again at once.
      for (const fresh of [false, true]) {
        const last = this.listing;
        const cached = !fresh && last && last.folder === folder && last.uidValidity === uidValidity && last.listedAfter <= afterUid ? last : null;
        const listing = cached ?? (await this.list(folder, uidValidity, afterUid));
        const batch = pickBatch(listing.messages, afterUid, limit, maxBytes);
        if (batch.length === 0) {
          if (cached) continue;
          return [];
        }
        const found: StoredMail[] = [];
        for await (const message of this.client.fetch(uidSet(batch), { uid: true, source: true }, { uid: true })) {
          if (message.source) found.push({ uid: message.uid, uidValidity, source: message.source });
        }
        if (found.length > 0 || !cached) return found.sort((a, b) => a.uid - b.uid);
      }
      return [];
    } finally {
      lock.release();
    }
  }

  /**
   * UIDs of the folder's messages after `afterUid`, in UID order, with their sizes bounded: a
   * SEARCH for all of them and one for the large ones, whose exact sizes are then fetched (listing
   * thousands of sizes by FETCH costs far more than two searches).
   */
  private async list(folder: string, uidValidity: bigint, afterUid: number): Promise<Listing> {
    const range = { uid: `${afterUid + 1}:*` };
    // "N:*" always matches the last message even when its UID is below N, hence the filters.
    const uids = ((await this.client.search(range, { uid: true })) || []).filter((uid) => uid > afterUid).sort((a, b) => a - b);
    const sizes = new Map<number, number>();
    const large = uids.length > 0 ? ((await this.client.search({ ...range, larger: SMALL_MAIL_BYTES }, { uid: true })) || []).filter((uid) => uid > afterUid) : [];
    if (large.length > 0) {
      for await (const message of this.client.fetch(uidSet(large), { uid: true, size: true }, { uid: true })) sizes.set(message.uid, message.size ?? 0);
    }
    this.listing = { folder, uidValidity, listedAfter: afterUid, messages: uids.map((uid) => ({ uid, size: sizes.get(uid) ?? SMALL_MAIL_BYTES })) };
    return this.listing;
  }

  async moveMessages(folder: string, uidValidity: bigint, uids: number[], destination: string, flags: string[]): Promise<void> {
    if (uids.length === 0) return;
    await this.ensureFolder(destination);
    const target = this.path(destination);
    await this.command('move mail out of', folder, async (path) => {
      const lock = await this.client.getMailboxLock(path);
      try {
        const mailbox = this.client.mailbox;
        if (!mailbox || BigInt(mailbox.uidValidity) !== uidValidity) return;
        const range = uidSet([...uids].sort((a, b) => a - b));
        if (flags.length > 0) await this.client.messageFlagsAdd(range, flags, { uid: true });
        // imapflow reports a refused MOVE as a false result, not as an error.
        const moved = await this.client.messageMove(range, target, { uid: true });
        if (moved === false) throw new Error(`the server refused to move it to "${target}"`);
      } finally {
        lock.release();
      }
    });
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
    this.client.on('error', (error: Error) => closeOnce(serverReason(error)));
    await this.command('open', folder, (path) => this.client.mailboxOpen(path));
  }

  async close(): Promise<void> {
    try {
      await this.client.logout();
    } catch {
      this.client.close();
    }
  }
}

/**
 * Whether the server greeted as an IMAP server (imapflow sets `greetingReceived` on the OK or
 * PREAUTH greeting; it is not in its typings). A login may then take its time: Dovecot delays
 * logins from an address that just failed one.
 */
function greeted(client: ImapFlow | null): boolean {
  return (client as { greetingReceived?: unknown } | null)?.greetingReceived === true;
}

/**
 * Whether the server answered as an IMAP server before failing (greeted, refused the login, said
 * NO or BAD): only then is the failure told apart from an unreachable server.
 */
function spokeImap(error: unknown, client: ImapFlow | null): boolean {
  const { authenticationFailed, responseText } = error as { authenticationFailed?: unknown; responseText?: unknown };
  return greeted(client) || authenticationFailed === true || (typeof responseText === 'string' && responseText !== '');
}

/** MailboxClient over imapflow, with bounded connect and socket timeouts. */
@Injectable()
export class ImapFlowMailboxClient extends MailboxClient {
  constructor(private readonly hosts: MailboxHostPolicy = MailboxHostPolicy.unrestricted()) {
    super();
  }

  async connect(settings: MailboxSettings, watch?: WatchOptions): Promise<MailboxSession> {
    let timer: NodeJS.Timeout | undefined;
    let client: ImapFlow | null = null;
    // One deadline for a test's connection up to the IMAP greeting (DNS, TCP, TLS, greeting), so
    // the answer's time tells nothing of what listens; a server that greeted may log in slowly. A
    // watcher keeps imapflow's per-step timeouts.
    const deadline = new Promise<never>((_, reject) => {
      if (watch) return;
      timer = setTimeout(() => {
        if (!greeted(client)) return reject(mailboxUnreachable());
        timer = setTimeout(() => reject(new Error(`the server greeted but did not finish logging in within ${LOGIN_TIMEOUT_MS / 1000} s`)), LOGIN_TIMEOUT_MS);
      }, REACH_TIMEOUT_MS);
    });
    try {
      const address = await Promise.race([this.hosts.target(settings.host), deadline]);
      client = this.client(settings, address, watch);
      await Promise.race([client.connect(), deadline]);
      return new ImapFlowSession(client);
    } catch (error) {
      client?.close();
      if (!spokeImap(error, client)) throw mailboxUnreachable();
      throw new DomainError('unprocessable', `Could not connect to ${settings.host}:${settings.port}: ${serverReason(error)}`);
    } finally {
      clearTimeout(timer);
      // The losing side of a race must not surface as an unhandled rejection.
      deadline.catch(() => undefined);
    }
  }

  /** `address`: what the host policy checked; certificates are still verified against the host name. */
  private client(settings: MailboxSettings, address: string, watch?: WatchOptions): ImapFlow {
    const client = new ImapFlow({
      host: address,
      ...(address !== settings.host ? { servername: settings.host } : {}),
      port: settings.port,
      secure: settings.secure,
      auth: { user: settings.user, pass: settings.password },
      tls: { rejectUnauthorized: settings.verifyCertificate ?? true },
      logger: false,
      connectionTimeout: watch ? WATCH_CONNECT_TIMEOUT_MS : REACH_TIMEOUT_MS,
      greetingTimeout: watch ? WATCH_CONNECT_TIMEOUT_MS : REACH_TIMEOUT_MS,
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
    return client;
  }
}
