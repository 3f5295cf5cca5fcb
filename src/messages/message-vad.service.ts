import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';
import type { UpdateMessageDto } from './dto/message.dto.js';
import type { ThreadView } from './dto/message.response.js';
import { LiveEvents } from '../conversations/live-events.service.js';
import type { Message } from './message.entity.js';
import { assertMayAct, recordHistory } from './message-acts.js';
import { MessageQueries } from './message-queries.service.js';
import { MessagesService } from './messages.service.js';

const VAD_FIELDS = ['vadPlannedAt', 'vadStreet', 'vadPostalCode', 'vadCity'] as const;

/**
 * The home-visit (VAD) side of a thread: its address and planned date, editable on the message
 * without touching the contact they were copied from, and the "transmitted" confirmation.
 */
@Injectable()
export class MessageVadService {
  constructor(
    private readonly em: EntityManager,
    private readonly queries: MessageQueries,
    private readonly messages: MessagesService,
    private readonly live: LiveEvents,
  ) {}

  async setTransmitted(auth: AuthContext, id: string, transmitted: boolean): Promise<ThreadView> {
    const message = await this.vadMessage(auth, id);
    this.em.assign(message, transmitted ? { vadTransmittedBy: auth.userId, vadTransmittedAt: new Date() } : { vadTransmittedBy: null, vadTransmittedAt: null });
    recordHistory(this.em, auth, message, { type: transmitted ? 'vad.transmitted' : 'vad.untransmitted', details: {} });
    await this.em.flush();
    await this.live.publish({ type: 'message.vad', messageId: id, companyId: message.companyId });
    return this.messages.thread(auth, id);
  }

  /** Edits the VAD's address or planned date; `urgent` is refused (it is only set at creation). */
  async update(auth: AuthContext, id: string, input: UpdateMessageDto): Promise<ThreadView> {
    // Visibility first: an invisible thread is a 404 whatever the request asks.
    const message = await this.queries.visible(auth, id);
    assertMayAct(auth, message, 'vad');
    if (input.urgent !== undefined) throw new DomainError('urgent_only_at_creation', 'Urgent can only be set when the message is written');
    const changes = VAD_FIELDS.filter((field) => input[field] !== undefined);
    if (changes.length === 0) throw new DomainError('unprocessable', `Nothing to change: give one of ${VAD_FIELDS.join(', ')}`);
    if (!message.vad) throw new DomainError('conflict', 'This message is not a home-visit request');
    const before = Object.fromEntries(changes.map((field) => [field, message[field]]));
    this.em.assign(message, Object.fromEntries(changes.map((field) => [field, input[field]])));
    const after = Object.fromEntries(changes.map((field) => [field, message[field]]));
    recordHistory(this.em, auth, message, { type: 'vad.updated', details: { before, after } });
    await this.em.flush();
    await this.live.publish({ type: 'message.vad', messageId: id, companyId: message.companyId });
    return this.messages.thread(auth, id);
  }

  private async vadMessage(auth: AuthContext, id: string): Promise<Message> {
    const message = await this.queries.visible(auth, id);
    assertMayAct(auth, message, 'vad');
    if (!message.vad) throw new DomainError('conflict', 'This message is not a home-visit request');
    return message;
  }
}
