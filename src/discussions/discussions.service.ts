import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Conversation } from '../conversations/conversation.entity.js';
import { ConversationReplied } from '../conversations/conversation-replied.js';
import { Conversations } from '../conversations/conversations.service.js';
import { LiveEvents } from '../conversations/live-events.service.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { type Page, pageWindow, toPage } from '../core/http/params.js';
import { hasPermission, type Permission } from '../rights/permissions.js';
import { DiscussionAlerts } from './discussion-alerts.js';
import { DISCUSSION_KIND } from './discussion-kind.js';
import { checkLinked, checkManager, checkSubject, managerFor } from './discussion-people.js';
import { discussionCounts, discussionReplies, discussionViews } from './discussion-queries.js';
import { Discussion } from './discussion.entity.js';
import type { CreateDiscussionDto, DiscussionListQueryDto, UpdateDiscussionDto } from './dto/discussion.dto.js';
import type { DiscussionCountsView, DiscussionReplyView, DiscussionView } from './dto/discussion.views.js';

/**
 * Discussions between the staff and a portal person (a client file, a worker). Staff need notes.read
 * to see them and notes.write to write; a client-side or worker account sees, opens and answers only
 * the visible ones about itself, whatever its rights (others are a 404). Each write commits with its
 * alerts (outbox rows) and history, then tells who watches (live events).
 */
@Injectable()
export class DiscussionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly conversations: Conversations,
    private readonly alerts: DiscussionAlerts,
    private readonly replied: ConversationReplied,
    private readonly live: LiveEvents,
  ) {}

  async list(auth: AuthContext, query: DiscussionListQueryDto): Promise<Page<DiscussionView>> {
    assertStaffMay(auth, 'notes.read');
    const { limit } = pageWindow(query);
    const rows = await discussionViews(this.em, auth, {
      clientId: query.clientId,
      workerId: query.workerId,
      isNew: query.new === undefined ? undefined : query.new === 'true',
      visible: query.visible === undefined || auth.kind !== 'collaborator' ? undefined : query.visible === 'true',
      after: query.cursor,
      limit: limit + 1,
    });
    return toPage(rows, limit, (row) => row);
  }

  async counts(auth: AuthContext): Promise<DiscussionCountsView> {
    assertStaffMay(auth, 'notes.read');
    return discussionCounts(this.em, auth);
  }

  /** The discussion, read by the caller from now on (no longer NEW for it: read as of now, after its last activity). */
  async get(auth: AuthContext, id: string): Promise<DiscussionView> {
    const discussion = await this.visible(auth, id);
    await this.conversations.markRead(this.em, discussion, auth.userId);
    return { ...discussion, isNew: false };
  }

  async replies(auth: AuthContext, id: string): Promise<DiscussionReplyView[]> {
    await this.visible(auth, id);
    return discussionReplies(this.em, auth, id);
  }

  async create(auth: AuthContext, input: CreateDiscussionDto): Promise<DiscussionView> {
    const title = text(input.title, 'title');
    const body = text(input.body, 'body');
    const fromPortal = auth.kind !== 'collaborator';
    let fields: Pick<Discussion, 'clientId' | 'workerId' | 'linkedUserId' | 'linkedClientId' | 'managerId' | 'visible'>;
    if (fromPortal) {
      const staffOnly = (['clientId', 'workerId', 'linkedUserId', 'linkedClientId', 'managerId', 'visible'] as const).find((field) => input[field] !== undefined);
      if (staffOnly) throw new DomainError('unprocessable', `From a portal a discussion is about the caller and addressed to its file manager: no ${staffOnly}`, { field: staffOnly });
      const subject = auth.kind === 'worker' ? { clientId: null, workerId: auth.userId } : { clientId: auth.clientId, workerId: null };
      if (!subject.clientId && !subject.workerId) throw new NotFoundError('Client');
      fields = { ...subject, linkedUserId: null, linkedClientId: null, managerId: await managerFor(this.em, auth, subject), visible: true };
    } else {
      assertStaffMay(auth, 'notes.write');
      const subject = await checkSubject(this.em, auth, input);
      const linked = await checkLinked(this.em, auth, subject, input);
      const managerId = input.managerId ? await checkManager(this.em, auth, input.managerId) : auth.userId;
      fields = { ...subject, ...linked, managerId, visible: Boolean(input.visible) };
    }
    const id = await this.em.fork().transactional(async (em) => {
      const at = new Date();
      const conversation = this.conversations.open(em, { companyId: auth.companyId, clientId: fields.clientId, kind: DISCUSSION_KIND, authorId: auth.userId, at });
      const discussion = em.create(Discussion, { id: conversation.id, companyId: auth.companyId, authorId: auth.userId, title, body, ...fields });
      this.conversations.read(em, conversation, auth.userId, at);
      this.conversations.record(em, conversation, auth.userId, 'discussion.created', { visible: discussion.visible, fromPortal });
      await em.flush();
      if (fromPortal) await this.alerts.toManager(em, discussion);
      else await this.alerts.toPortal(em, discussion, null, auth.userId);
      return discussion.id;
    });
    await this.live.publish({ type: 'discussion.created', messageId: id, companyId: auth.companyId });
    return this.view(auth, id);
  }

  /** Staff changes; showing it alerts the portal person as of a new discussion, hiding it takes it off the portal at once. */
  async update(auth: AuthContext, id: string, changes: UpdateDiscussionDto): Promise<DiscussionView> {
    if (auth.kind !== 'collaborator') throw new DomainError('permission_denied', 'Only the company’s staff change a discussion', { permission: 'notes.write' });
    assertStaffMay(auth, 'notes.write');
    const discussion = await this.visible(auth, id);
    const title = changes.title === undefined ? discussion.title : text(changes.title, 'title');
    const linked =
      changes.linkedUserId === undefined && changes.linkedClientId === undefined
        ? {}
        : await checkLinked(this.em, auth, discussion, {
            linkedUserId: changes.linkedUserId === undefined ? discussion.linkedUserId : changes.linkedUserId,
            linkedClientId: changes.linkedClientId === undefined ? discussion.linkedClientId : changes.linkedClientId,
          });
    const managerId = changes.managerId ? await checkManager(this.em, auth, changes.managerId) : discussion.managerId;
    const shown = changes.visible === true && !discussion.visible;
    const hidden = changes.visible === false && discussion.visible;
    const fields = { title, managerId, ...linked, ...(changes.visible === undefined ? {} : { visible: changes.visible }) };
    const row = { ...discussion, ...fields };
    const changed = Object.fromEntries(Object.entries(fields).filter(([field, value]) => discussion[field as keyof typeof fields] !== value));
    await this.em.fork().transactional(async (em) => {
      // The view is the row as read: only what changes is written (nothing for a no-op, as the ORM did), with no second read.
      if (Object.keys(changed).length > 0 && (await em.nativeUpdate(Discussion, { id, companyId: auth.companyId }, { ...changed, updatedAt: new Date() })) === 0) {
        throw new NotFoundError('Discussion');
      }
      this.conversations.record(em, row, auth.userId, shown ? 'discussion.shown' : hidden ? 'discussion.hidden' : 'discussion.updated', { ...changes });
      await em.flush();
      if (shown) await this.alerts.toPortal(em, row, null, auth.userId);
    });
    await this.live.publish({ type: shown ? 'discussion.shown' : hidden ? 'discussion.hidden' : 'discussion.updated', messageId: id, companyId: auth.companyId });
    return this.view(auth, id);
  }

  /**
   * A reply in the app. Staff's is alerted to the portal person (visible discussions only); the
   * portal's is announced as conversation.replied, so staff are alerted as for an answer by email.
   */
  async reply(auth: AuthContext, id: string, input: { body: string }): Promise<DiscussionReplyView> {
    const discussion = await this.visible(auth, id);
    assertStaffMay(auth, 'notes.write');
    const body = text(input.body, 'body');
    const fromPortal = auth.kind !== 'collaborator';
    const { entryId, announce } = await this.em.fork().transactional(async (em) => {
      const at = new Date();
      const conversation = await em.findOneOrFail(Conversation, { id });
      const entry = this.conversations.append(em, conversation, auth.userId, body, at);
      this.conversations.record(em, conversation, auth.userId, 'replied', { replyId: entry.id, origin: 'app' });
      await em.flush();
      await this.conversations.markRead(em, conversation, auth.userId, at);
      if (!fromPortal) {
        await this.alerts.toPortal(em, discussion, entry.id, auth.userId);
        return { entryId: entry.id, announce: [] };
      }
      const announce = await this.replied.record(em, [
        { inboundKey: `portal:${entry.id}`, entryId: entry.id, conversationId: id, companyId: discussion.companyId, kind: DISCUSSION_KIND, automatic: false, created: true },
      ]);
      return { entryId: entry.id, announce };
    });
    for (const deliver of announce) await deliver();
    await this.live.publish({ type: 'discussion.replied', messageId: id, companyId: auth.companyId });
    const [reply] = await discussionReplies(this.em, auth, id, entryId);
    return reply;
  }

  /**
   * The discussion as the caller sees it, when it may; a 404 otherwise, exactly as if it did not
   * exist. The view carries every column a write needs (who it is about, its manager, visible).
   */
  private async visible(auth: AuthContext, id: string): Promise<DiscussionView> {
    assertStaffMay(auth, 'notes.read');
    return this.view(auth, id);
  }

  private async view(auth: AuthContext, id: string): Promise<DiscussionView> {
    const [view] = await discussionViews(this.em, auth, { ids: [id] });
    if (!view) throw new NotFoundError('Discussion');
    return view;
  }
}

/** Staff need the permission; a portal account's access is decided by the discussion's visibility alone. */
function assertStaffMay(auth: AuthContext, permission: Permission): void {
  if (auth.kind === 'collaborator' && !hasPermission(auth, permission)) {
    throw new DomainError('permission_denied', `This needs the permission ${permission}`, { permission });
  }
}

function text(value: string, field: 'title' | 'body'): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new DomainError('unprocessable', field === 'title' ? 'A discussion needs a title' : 'A message says something', { field });
  return trimmed;
}
