import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';

/** Keeps the files received with replies; a port so an object store can stand in for the disk. */
export abstract class AttachmentStorage {
  /** Stores `content` under `key` (idempotent: the same key rewrites the same bytes) and returns where it is. */
  abstract put(key: string, content: Buffer, contentType: string): Promise<string>;
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
    const path = join(this.root, key);
    // Keys are built from ids and a sanitised name; refuse anything escaping the root anyway.
    if (!path.startsWith(`${this.root}/`)) throw new Error(`Attachment key escapes the storage directory: ${key}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return key;
  }
}
