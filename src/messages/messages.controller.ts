import { MessageTemplateView } from './dto/message-template.view.js';
import { toView, toViews } from '../core/http/views.js';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { IdParam, type Page } from '../core/http/params.js';
import {
  ComposeMessageDto,
  CreateMessageTemplateDto,
  DayCountsQuery,
  DigestQuery,
  MessageListQuery,
  RemarkListQuery,
  ReplyDto,
  SubcontractingListQuery,
  TaskDto,
  TaskListQuery,
  UpdateMessageDto,
  UpdateMessageTemplateDto,
  VadDto,
} from './dto/message.dto.js';
import { DayCountView, InboxCountsView, MessageView, SharedMessageView, ThreadView } from './dto/message.response.js';
import { DIGEST_MAX_MESSAGES, MessageDigest } from './message-digest.service.js';
import { MessageTemplatesService } from './message-templates.service.js';
import { MessageVadService } from './message-vad.service.js';
import { MessageViews } from './message-views.service.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@ApiBearerAuth()
@Controller('v1/clients/:clientId/messages')
export class ClientMessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly views: MessageViews,
    private readonly digests: MessageDigest,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: ThreadView })
  @RequirePermission('messages.write')
  compose(@CurrentAuth() auth: AuthContext, @IdParam('clientId') clientId: string, @Body() input: ComposeMessageDto): Promise<ThreadView> {
    return this.messages.compose(auth, clientId, input);
  }

  @Get()
  @ApiPageResponse(MessageView)
  @RequirePermission('messages.read')
  list(@CurrentAuth() auth: AuthContext, @IdParam('clientId') clientId: string, @Query() query: MessageListQuery): Promise<Page<MessageView>> {
    return this.views.forClient(auth, clientId, query);
  }

  /** The client's messages over a period as a PDF (what the email copy can attach). */
  @Get('digest.pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: `A PDF document. At most ${DIGEST_MAX_MESSAGES} messages, the newest of the period: X-Digest-Truncated says true when older ones were left out.`,
    headers: {
      'X-Digest-Messages': { description: 'Messages in the document', schema: { type: 'integer' } },
      'X-Digest-Truncated': { description: `true when the period held more than ${DIGEST_MAX_MESSAGES} messages`, schema: { type: 'string', enum: ['true', 'false'] } },
    },
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 422, description: 'from after to' })
  @RequirePermission('messages.read')
  async digest(
    @CurrentAuth() auth: AuthContext,
    @IdParam('clientId') clientId: string,
    @Query() query: DigestQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const digest = await this.digests.render(auth, clientId, query);
    res.setHeader('Content-Disposition', `inline; filename="messages-${query.from}-${query.to}.pdf"`);
    res.setHeader('X-Digest-Messages', String(digest.messages));
    res.setHeader('X-Digest-Truncated', String(digest.truncated));
    return new StreamableFile(digest.pdf, { type: 'application/pdf' });
  }
}

@ApiTags('messages')
@ApiBearerAuth()
@Controller('v1')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly views: MessageViews,
    private readonly vads: MessageVadService,
  ) {}

  /** Urgent threads not read by the caller. */
  @Get('messages/urgent')
  @ApiPageResponse(MessageView)
  @RequirePermission('messages.read')
  urgent(@CurrentAuth() auth: AuthContext, @Query() query: MessageListQuery): Promise<Page<MessageView>> {
    return this.views.urgent(auth, query);
  }

  /** Threads of the company not read by the caller, newest first (the console's inbox). */
  @Get('messages/unread')
  @ApiPageResponse(MessageView)
  @RequirePermission('messages.read')
  unread(@CurrentAuth() auth: AuthContext, @Query() query: MessageListQuery): Promise<Page<MessageView>> {
    return this.views.unread(auth, query);
  }

  /** Exact counts of the inbox's lists for the caller, each with its list's visibility (the console's badges). */
  @Get('inbox/counts')
  @ApiOkResponse({ type: InboxCountsView })
  @RequirePermission('messages.read')
  counts(@CurrentAuth() auth: AuthContext): Promise<InboxCountsView> {
    return this.views.counts(auth);
  }

  /** The thread: first post, replies oldest first, history of status changes. */
  @Get('messages/:id')
  @ApiOkResponse({ type: ThreadView })
  @RequirePermission('messages.read')
  thread(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<ThreadView> {
    return this.messages.thread(auth, id);
  }

  /** Edits what may change after writing: the home visit's planned date and address (urgent → 422). */
  @Patch('messages/:id')
  @ApiOkResponse({ type: ThreadView })
  @ApiOperation({ summary: 'Edit the VAD address or planned date (the contact is not changed); urgent is refused with 422 urgent_only_at_creation' })
  @RequirePermission('messages.vad.manage')
  update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: UpdateMessageDto): Promise<ThreadView> {
    return this.vads.update(auth, id, input);
  }

  @Post('messages/:id/replies')
  @ApiOperation({ summary: 'Reply; with setTask (and dueDate) the thread also becomes a task. Subcontractors may reply and set as task only.' })
  @ApiCreatedResponse({ type: ThreadView })
  @RequirePermission('messages.write')
  reply(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: ReplyDto): Promise<ThreadView> {
    return this.messages.reply(auth, id, input);
  }

  @Put('messages/:id/read')
  @HttpCode(204)
  @RequirePermission('messages.read')
  markRead(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.messages.setRead(auth, id, true);
  }

  @Delete('messages/:id/read')
  @HttpCode(204)
  @RequirePermission('messages.read')
  markUnread(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.messages.setRead(auth, id, false);
  }

  @Put('messages/:id/task')
  @ApiOkResponse({ type: ThreadView })
  @ApiOperation({ summary: 'Set as task (or day task), mark done, cancel (back to a message), reopen' })
  @RequirePermission('messages.write')
  task(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: TaskDto): Promise<ThreadView> {
    return this.messages.changeTask(auth, id, input);
  }

  @Put('messages/:id/vad')
  @ApiOkResponse({ type: ThreadView })
  @RequirePermission('messages.vad.manage')
  vad(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: VadDto): Promise<ThreadView> {
    return this.vads.setTransmitted(auth, id, input.transmitted);
  }

  /** Removes the thread from the caller's lists (the "deleted" filter shows it; restorable). */
  @Delete('messages/:id')
  @HttpCode(204)
  @RequirePermission('messages.read')
  remove(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.messages.setDeleted(auth, id, true);
  }

  @Post('messages/:id/restore')
  @HttpCode(204)
  @RequirePermission('messages.read')
  restore(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.messages.setDeleted(auth, id, false);
  }

  @Get('tasks')
  @ApiPageResponse(MessageView)
  @RequirePermission('messages.read')
  tasks(@CurrentAuth() auth: AuthContext, @Query() query: TaskListQuery): Promise<Page<MessageView>> {
    return this.views.tasks(auth, query);
  }

  @Get('tasks/day-counts')
  @ApiOkResponse({ type: [DayCountView] })
  @RequirePermission('messages.read')
  dayCounts(@CurrentAuth() auth: AuthContext, @Query() query: DayCountsQuery): Promise<DayCountView[]> {
    return this.views.dayCounts(auth, query);
  }

  @Get('remarks')
  @ApiPageResponse(MessageView)
  @RequirePermission('messages.remarks.read')
  remarks(@CurrentAuth() auth: AuthContext, @Query() query: RemarkListQuery): Promise<Page<MessageView>> {
    return this.views.remarks(auth, query);
  }

  @Get('vad/untransmitted')
  @ApiPageResponse(MessageView)
  @RequirePermission('messages.vad.manage')
  vadUntransmitted(@CurrentAuth() auth: AuthContext, @Query() query: MessageListQuery): Promise<Page<MessageView>> {
    return this.views.vadUntransmitted(auth, query);
  }

  @Get('subcontracting/messages')
  @ApiPageResponse(SharedMessageView)
  @RequirePermission('messages.read')
  subcontracting(@CurrentAuth() auth: AuthContext, @Query() query: SubcontractingListQuery): Promise<Page<SharedMessageView>> {
    return this.views.subcontracting(auth, query);
  }
}

@ApiTags('messages')
@ApiBearerAuth()
@Controller('v1/message-templates')
export class MessageTemplatesController {
  constructor(private readonly templates: MessageTemplatesService) {}

  @Get()
  @ApiOkResponse({ type: [MessageTemplateView] })
  @RequirePermission('messages.read')
  async list(@CurrentAuth() auth: AuthContext): Promise<MessageTemplateView[]> {
    return toViews(MessageTemplateView, await this.templates.list(auth));
  }

  @Post()
  @ApiCreatedResponse({ type: MessageTemplateView })
  @RequirePermission('messages.templates.manage')
  async create(@CurrentAuth() auth: AuthContext, @Body() input: CreateMessageTemplateDto): Promise<MessageTemplateView> {
    return toView(MessageTemplateView, await this.templates.create(auth, input));
  }

  @Get(':id')
  @ApiOkResponse({ type: MessageTemplateView })
  @RequirePermission('messages.read')
  async get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<MessageTemplateView> {
    return toView(MessageTemplateView, await this.templates.get(auth, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: MessageTemplateView })
  @RequirePermission('messages.templates.manage')
  async update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateMessageTemplateDto): Promise<MessageTemplateView> {
    return toView(MessageTemplateView, await this.templates.update(auth, id, changes));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('messages.templates.manage')
  remove(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.templates.remove(auth, id);
  }
}
