/** How to reach one IMAP account. */
export interface MailboxSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 993); otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** Refuse servers whose certificate does not verify (turn off only for a lab server). */
  verifyCertificate?: boolean;
}

/** Where a folder stands: UIDs are only comparable while `uidValidity` stays the same. */
export interface FolderState {
  uidValidity: bigint;
  uidNext: number;
  messages: number;
}

/** One message as stored on the server, undecoded. */
export interface StoredMail {
  uid: number;
  uidValidity: bigint;
  /** The raw RFC 5322 source, byte for byte. */
  source: Buffer;
}

/**
 * An open IMAP session. Implemented over imapflow; inbound ingestion (watching, cursors, moving
 * processed mail) is written against this interface.
 */
export interface MailboxSession {
  folderState(folder: string): Promise<FolderState>;
  ensureFolder(folder: string): Promise<void>;
  deleteFolder(folder: string): Promise<void>;
  /** Stores a message; returns its UID when the server reports it (UIDPLUS). */
  append(folder: string, source: Buffer | string, flags?: string[]): Promise<{ uid: number | null }>;
  /**
   * Messages whose UID is greater than `afterUid`, oldest first, at most `limit` and, past the
   * first one, at most `maxBytes` in total (a folder of huge mails is read a few at a time).
   */
  fetchAfter(folder: string, afterUid: number, limit: number, maxBytes?: number): Promise<StoredMail[]>;
  /**
   * Flags the messages and moves them to `destination` (created if missing). Only UIDs of the
   * folder's current UIDVALIDITY are acted on; a different one means the UIDs name other mail.
   */
  moveMessages(folder: string, uidValidity: bigint, uids: number[], destination: string, flags: string[]): Promise<void>;
  /**
   * Selects `folder` and stays there, calling `onChange` whenever the server announces new mail
   * (IDLE, or a poll where the server lacks IDLE). `onClose` is called once if the connection drops.
   */
  watch(folder: string, onChange: () => void, onClose: (reason: string) => void): Promise<void>;
  /** Whether the server announces new mail by itself (IDLE); otherwise the session polls. */
  readonly supportsIdle: boolean;
  close(): Promise<void>;
}

/** Connection tuning for sessions that watch a folder. */
export interface WatchOptions {
  /** IDLE is broken and re-issued this often (RFC 2177: clients must re-IDLE within 29 minutes). */
  maxIdleMs: number;
}

/** Opens IMAP sessions; a port so tests and other servers can stand in. */
export abstract class MailboxClient {
  abstract connect(settings: MailboxSettings, watch?: WatchOptions): Promise<MailboxSession>;
}
