import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';

/** A kept file, opened for reading. */
export interface StoredAttachment {
  content: Readable;
  size: number;
}

/** Keeps the files received with replies; a port so an object store can stand in for the disk. */
export abstract class AttachmentStorage {
  /** Stores `content` under `key` (idempotent: the same key rewrites the same bytes) and returns where it is. */
  abstract put(key: string, content: Buffer, contentType: string): Promise<string>;
  /** The file kept under `key`, or null when there is none (never kept, or purged since). */
  abstract read(key: string): Promise<StoredAttachment | null>;
}

/** Attachments in a local directory (INBOUND_ATTACHMENTS_DIR), one file per key. */
@Injectable()
export class LocalAttachmentStorage extends AttachmentStorage {
  private readonly root: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.root = resolve(config.inbound.attachmentsDir);
  }

  async put(key: string, content: Buffer): Promise<string> {
    const path = this.pathOf(key);
    if (!path) throw new Error(`Attachment key escapes the storage directory: ${key}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return key;
  }

  async read(key: string): Promise<StoredAttachment | null> {
    const path = this.pathOf(key);
    if (!path) return null;
    const found = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    if (!found?.isFile()) return null;
    return { content: createReadStream(path), size: found.size };
  }

  /** Keys are built from ids and a sanitised name; refuse anything escaping the root anyway. */
  private pathOf(key: string): string | null {
    const path = join(this.root, key);
    return path.startsWith(`${this.root}/`) ? path : null;
  }
}
