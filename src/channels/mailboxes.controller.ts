import { MailboxView } from './dto/mailbox.view.js';
import { toView, toViews } from '../core/http/views.js';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { IdParam } from '../core/http/params.js';
import { CreateMailboxDto, MailboxTestResult, UpdateMailboxDto } from './dto/mailbox.dto.js';
import { MailboxesService } from './mailboxes.service.js';

const UNREACHABLE =
  'mailbox_unreachable (in production): the host is, or resolves to, a loopback, private, link-local or CGNAT address not let through by MAILBOX_ALLOWED_HOSTS, or does not resolve; one answer for all. unprocessable: the processed or failed folder is the watched folder';
const ALREADY_WATCHED = 'mailbox_already_watched: this IMAP account and folder (host and user in any case) are already configured, by this company or another; nothing more is said';

/** IMAP mailboxes replies are read from. The password is write-only. */
@ApiTags('channels')
@ApiBearerAuth()
@Controller('v1/channels/mailboxes')
export class MailboxesController {
  constructor(private readonly mailboxes: MailboxesService) {}

  @Get()
  @ApiOkResponse({ type: [MailboxView] })
  @RequirePermission('channels.manage')
  async list(@CurrentAuth() auth: AuthContext): Promise<MailboxView[]> {
    return toViews(MailboxView, await this.mailboxes.list(auth));
  }

  @Post()
  @ApiCreatedResponse({ type: MailboxView })
  @ApiConflictResponse({ description: ALREADY_WATCHED })
  @ApiUnprocessableEntityResponse({ description: UNREACHABLE })
  @RequirePermission('channels.manage')
  async create(@CurrentAuth() auth: AuthContext, @Body() input: CreateMailboxDto): Promise<MailboxView> {
    return toView(MailboxView, await this.mailboxes.create(auth, input));
  }

  @Get(':id')
  @ApiOkResponse({ type: MailboxView })
  @RequirePermission('channels.manage')
  async get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<MailboxView> {
    return toView(MailboxView, await this.mailboxes.get(auth, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: MailboxView })
  @ApiConflictResponse({ description: ALREADY_WATCHED })
  @ApiUnprocessableEntityResponse({ description: UNREACHABLE })
  @RequirePermission('channels.manage')
  async update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateMailboxDto): Promise<MailboxView> {
    return toView(MailboxView, await this.mailboxes.update(auth, id, changes));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @RequirePermission('channels.manage')
  remove(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.mailboxes.remove(auth, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOkResponse({ type: MailboxTestResult })
  @RequirePermission('channels.manage')
  test(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<MailboxTestResult> {
    return this.mailboxes.test(auth, id);
  }
}
