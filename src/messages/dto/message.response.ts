import { ApiProperty } from '@nestjs/swagger';
import { MESSAGE_KINDS, type MessageKind, TASK_STATES, type TaskState } from '../message.entity.js';
import { ENTRY_ORIGINS, type EntryOrigin } from '../../conversations/conversation.entity.js';
import { PRIVATE_MEANING } from './message.dto.js';

export class TaskView {
  @ApiProperty({ enum: TASK_STATES }) state!: TaskState;
  @ApiProperty({ type: String, nullable: true, description: 'Day task: to do on this date' }) dueDate!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) doneBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) doneAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, example: 'Fait par Marie le 24/12/2026' }) doneLabel!: string | null;
}

export class VadView {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) plannedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) street!: string | null;
  @ApiProperty({ type: String, nullable: true }) postalCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) city!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, required: false, description: 'Never shown to client accounts' })
  transmittedBy?: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, required: false, description: 'Never shown to client accounts' })
  transmittedAt?: Date | null;
}

export class MessageView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) companyId!: string;
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty({ enum: MESSAGE_KINDS }) kind!: MessageKind;
  @ApiProperty() subject!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: String, nullable: true }) instruction!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) contactId!: string | null;
  @ApiProperty({ type: [String] }) cc!: string[];
  @ApiProperty() urgent!: boolean;
  @ApiProperty({ description: PRIVATE_MEANING }) private!: boolean;
  @ApiProperty() copyCircle!: boolean;
  @ApiProperty({ type: TaskView }) task!: TaskView;
  @ApiProperty({ type: VadView, nullable: true }) vad!: VadView | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) lastActivityAt!: Date;
  @ApiProperty() unread!: boolean;
  @ApiProperty() deleted!: boolean;
}

/** A message another company shares with a subcontractor, who can look up neither its company nor its file. */
export class SharedMessageView extends MessageView {
  @ApiProperty({ description: 'The sharing company’s name (seed 002: the view is filtered by company)' }) companyName!: string;
  @ApiProperty({ description: 'The client file’s name' }) clientName!: string;
}

export class ReplyAttachmentView {
  @ApiProperty() name!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty({ type: Number, nullable: true }) size!: number | null;
  @ApiProperty({ type: String, nullable: true }) location!: string | null;
  @ApiProperty({ required: false, description: 'Why the file itself was not kept' }) omitted?: string;
}

export class ReplyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null for a reply by email or SMS from someone without an account' })
  authorId!: string | null;
  @ApiProperty({ enum: ENTRY_ORIGINS }) origin!: EntryOrigin;
  @ApiProperty({ type: String, nullable: true, description: 'Email address or phone number of an inbound reply' }) senderAddress!: string | null;
  @ApiProperty({ type: String, nullable: true }) senderName!: string | null;
  @ApiProperty({ description: 'An auto-reply or out-of-office' }) automatic!: boolean;
  @ApiProperty({ description: 'What the person wrote (quoted history and signature removed for inbound email)' }) body!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The whole inbound text, as received' }) originalBody!: string | null;
  @ApiProperty({ type: [ReplyAttachmentView] }) attachments!: ReplyAttachmentView[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

export class HistoryView {
  @ApiProperty({ format: 'uuid' }) actorId!: string;
  @ApiProperty({ example: 'task.done' }) type!: string;
  @ApiProperty({ type: Object, nullable: true }) details!: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'date-time' }) at!: Date;
}

export class CopyView {
  @ApiProperty({ format: 'uuid', description: 'The delivery (what POST /v1/deliveries/:id/retry sends again, for accounts with outbound.manage)' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The reply it copies; null for the first post' }) entryId!: string | null;
  @ApiProperty({ enum: ['email', 'sms', 'fax'] }) channel!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The account it went to (null for a copy to the client file itself)' }) recipientUserId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Email address, phone number or fax gateway address; null when none was known' }) address!: string | null;
  @ApiProperty({ enum: ['pending', 'sending', 'sent', 'delivered', 'failed', 'skipped'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it failed or was skipped (opted_out, no_sender, provider_…)' }) failureReason!: string | null;
  @ApiProperty({ description: 'Skipped because the address opted out (STOP, an admin)' }) optedOut!: boolean;
}

export class ThreadView extends MessageView {
  @ApiProperty({ type: [ReplyView], description: 'Oldest first' }) replies!: ReplyView[];
  @ApiProperty({ type: [CopyView], description: 'Staff of the thread’s company only (empty for client accounts and subcontractors): each copy sent of the first post and the replies, oldest first' })
  copies!: CopyView[];
  @ApiProperty({ type: [HistoryView], description: 'Every status change, oldest first' }) history!: HistoryView[];
}

export class DayCountView {
  @ApiProperty({ example: '2026-12-24' }) date!: string;
  @ApiProperty() count!: number;
}

export class InboxCountsView {
  @ApiProperty({ description: 'Threads of the company the caller has not read (GET /v1/messages/unread)' }) unread!: number;
  @ApiProperty({ description: 'Urgent threads the caller has not read (GET /v1/messages/urgent)' }) urgent!: number;
  @ApiProperty({ description: 'Tasks to do (GET /v1/tasks)' }) tasks!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Client remarks (GET /v1/remarks); null without messages.remarks.read' }) remarks!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Home visits not transmitted (GET /v1/vad/untransmitted); null without messages.vad.manage' }) vadUntransmitted!: number | null;
  @ApiProperty({ description: 'Messages other companies share with the caller (GET /v1/subcontracting/messages)' }) subcontracting!: number;
}
