import { Injectable, Module } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { AuthContext } from '../auth/auth-context.js';

/** Something staff must see when they open a person's file (a note flagged as an alert), until dismissed. */
export class FileAlertView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

/** Whose file is opened: a client file, or an account (a collaborator's, a worker's). */
export interface FileSubject {
  clientId?: string;
  userId?: string;
}

export type FileAlertSource = (viewer: AuthContext, subject: FileSubject) => Promise<FileAlertView[]>;

/**
 * The alerts shown where a person's file is opened (`GET /v1/clients/:id`, `GET /v1/users/:id`).
 * The module that keeps them (notes) registers its source; the files' modules ask here and import
 * no such module.
 */
@Injectable()
export class FileAlerts {
  private readonly sources: FileAlertSource[] = [];

  register(source: FileAlertSource): void {
    this.sources.push(source);
  }

  async of(viewer: AuthContext, subject: FileSubject): Promise<FileAlertView[]> {
    return (await Promise.all(this.sources.map((source) => source(viewer, subject)))).flat();
  }
}

/** Imported by the files' modules (clients, accounts) and the sources' (notes): one register for all. */
@Module({ providers: [FileAlerts], exports: [FileAlerts] })
export class FileAlertsModule {}
