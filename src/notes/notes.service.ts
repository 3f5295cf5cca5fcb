import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { boundSql } from '../core/database/sql-rows.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { FileAlerts, type FileAlertView, type FileSubject } from '../core/file-alerts/file-alerts.js';
import { type Page, pageWindow, toPage } from '../core/http/params.js';
import { hasPermission } from '../rights/permissions.js';
import type { CreateNoteDto, NoteListQueryDto, UpdateNoteDto } from './dto/note.dto.js';
import { Note } from './note.entity.js';

/**
 * Internal notes of the staff. A client-side account never reaches one, whatever its rights say:
 * to it notes do not exist (404). Alerts are shown where the person's file is opened (FileAlerts).
 */
@Injectable()
export class NotesService implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly fileAlerts: FileAlerts,
  ) {}

  onModuleInit(): void {
    this.fileAlerts.register((viewer, subject) => this.alertsOf(viewer, subject));
  }

  async list(auth: AuthContext, query: NoteListQueryDto): Promise<Page<Note>> {
    staffOnly(auth);
    const { limit, after } = pageWindow(query);
    const rows = await this.em.find(
      Note,
      {
        companyId: auth.companyId,
        ...(query.clientId ? { clientId: query.clientId } : {}),
        ...(query.userId ? { userId: query.userId } : {}),
        ...(query.alert === 'true' ? { alert: true, dismissedAt: null } : query.alert === 'false' ? { $or: [{ alert: false }, { dismissedAt: { $ne: null } }] } : {}),
        ...after,
      },
      { orderBy: { id: 'asc' }, limit: limit + 1 },
    );
    return toPage(rows, limit, (row) => row);
  }

  async get(auth: AuthContext, id: string): Promise<Note> {
    staffOnly(auth);
    const note = await this.em.findOne(Note, { companyId: auth.companyId, id });
    if (!note) throw new NotFoundError('Note');
    return note;
  }

  async create(auth: AuthContext, input: CreateNoteDto): Promise<Note> {
    staffOnly(auth);
    if (Boolean(input.clientId) === Boolean(input.userId)) {
      throw new DomainError('unprocessable', 'A note is about one client file (clientId) or one account (userId)', { field: input.clientId ? 'userId' : 'clientId' });
    }
    await this.assertSubject(auth, input);
    const note = this.em.create(Note, {
      companyId: auth.companyId,
      clientId: input.clientId ?? null,
      userId: input.userId ?? null,
      authorId: auth.userId,
      text: text(input.text),
      alert: Boolean(input.alert),
    });
    await this.em.flush();
    return note;
  }

  async update(auth: AuthContext, id: string, changes: UpdateNoteDto): Promise<Note> {
    const note = await this.get(auth, id);
    if (changes.text !== undefined) note.text = text(changes.text);
    if (changes.alert !== undefined && changes.alert !== note.alert) {
      note.alert = changes.alert;
      // Flagged again: shown again.
      note.dismissedAt = null;
      note.dismissedBy = null;
    }
    await this.em.flush();
    return note;
  }

  /** The alert is no longer shown on the person's file (the note stays). */
  async dismiss(auth: AuthContext, id: string): Promise<Note> {
    const note = await this.get(auth, id);
    if (!note.alert) throw new DomainError('conflict', 'This note is not an alert');
    if (!note.dismissedAt) {
      note.dismissedAt = new Date();
      note.dismissedBy = auth.userId;
      await this.em.flush();
    }
    return note;
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const note = await this.get(auth, id);
    this.em.remove(note);
    await this.em.flush();
  }

  /** Alerts still shown about a file, for staff who may read notes (nobody else sees any). */
  private async alertsOf(viewer: AuthContext, subject: FileSubject): Promise<FileAlertView[]> {
    if (viewer.kind !== 'collaborator' || !hasPermission(viewer, 'notes.read')) return [];
    const column = subject.clientId ? 'client_id' : 'user_id';
    return boundSql<FileAlertView>(
      this.em.fork(),
      `select id, text, author_id as "authorId", created_at as "createdAt" from note
        where company_id = ? and ${column} = ? and alert and dismissed_at is null order by id`,
      [viewer.companyId, subject.clientId ?? subject.userId],
    );
  }

  /** The note's person is the company's: its client file, one of its collaborators or workers (404 otherwise). */
  private async assertSubject(auth: AuthContext, input: CreateNoteDto): Promise<void> {
    if (input.clientId) {
      const [found] = await boundSql<{ id: string }>(this.em.fork(), 'select id from client where id = ? and company_id = ?', [input.clientId, auth.companyId]);
      if (!found) throw new NotFoundError('Client');
      return;
    }
    const [found] = await boundSql<{ id: string }>(
      this.em.fork(),
      `select id from app_user where id = ? and company_id = ? and kind in ('collaborator', 'worker')`,
      [input.userId, auth.companyId],
    );
    if (!found) throw new NotFoundError('User');
  }
}

/** Notes are staff's: to a client-side or worker account they do not exist. */
function staffOnly(auth: AuthContext): void {
  if (auth.kind !== 'collaborator') throw new NotFoundError('Note');
}

function text(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new DomainError('unprocessable', 'A note says something', { field: 'text' });
  return trimmed;
}
