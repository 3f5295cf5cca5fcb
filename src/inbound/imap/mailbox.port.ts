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
  flags: string[];
  internalDate: Date | null;
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
  /** Messages whose UID is greater than `afterUid`, oldest first, at most `limit`. */
  fetchAfter(folder: string, afterUid: number, limit: number): Promise<StoredMail[]>;
  close(): Promise<void>;
}

/** Opens IMAP sessions; a port so tests and other servers can stand in. */
export abstract class MailboxClient {
  abstract connect(settings: MailboxSettings): Promise<MailboxSession>;
}
