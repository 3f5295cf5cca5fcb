import { Controller, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager, RequestContext } from '@mikro-orm/postgresql';
import { filter, from, interval, map, merge, mergeMap, type Observable, takeUntil } from 'rxjs';
import { CredentialRevocations } from '../accounts/credential-revocations.js';
import { AnyAccount, type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { ConversationKinds } from './conversation-kinds.js';
import { kindOf, type LiveEvent, LiveEvents } from './live-events.service.js';

interface SseMessage {
  data: LiveEvent | Record<string, never>;
  type: string;
}

/** A comment-like ping keeps proxies from closing a quiet stream. */
const PING_EVERY_MS = 25_000;

@ApiTags('messages')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly live: LiveEvents,
    private readonly kinds: ConversationKinds,
    private readonly em: EntityManager,
    private readonly revocations: CredentialRevocations,
  ) {}

  /**
   * Server-sent events: new conversations, replies and changes the caller may see, as they happen.
   * Each event is shown when its conversation's kind says the caller may see the conversation and
   * that kind of event (a message's VAD events are staff-only).
   */
  @Sse()
  @ApiOkResponse({ description: 'text/event-stream of {type, messageId, companyId, at}', content: { 'text/event-stream': {} } })
  @AnyAccount()
  events(@CurrentAuth() auth: AuthContext): Observable<SseMessage> {
    const events = this.live.stream();
    const visible = events.pipe(
      mergeMap((event) =>
        from(RequestContext.create(this.em, () => this.shown(auth, event))).pipe(
          filter(Boolean),
          map(() => ({ type: event.type, data: event })),
        ),
      ),
    );
    const pings = interval(PING_EVERY_MS).pipe(map(() => ({ type: 'ping', data: {} })));
    // Ends at shutdown, which closes the response instead of holding the server open, and once
    // the caller's token or session is revoked or expires, or its account is deactivated (checked again every few seconds).
    return merge(visible, pings).pipe(takeUntil(merge(this.live.closing(), this.revocations.ended(auth.credential))));
  }

  private async shown(viewer: AuthContext, event: LiveEvent): Promise<boolean> {
    const kind = this.kinds.find(kindOf(event));
    if (!kind || (kind.showsEvent && !kind.showsEvent(viewer, event.type))) return false;
    return kind.canSee(viewer, event.messageId);
  }
}
