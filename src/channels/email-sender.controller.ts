import { EmailSenderView } from './dto/email-sender.view.js';
import { toView } from '../core/http/views.js';
import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { EmailSenderDto } from './email-sender.dto.js';
import { EmailSenderService } from './email-sender.service.js';

/** The From address and name of the company's email and fax copies (none: email copies are refused at compose). */
@ApiTags('channels')
@ApiBearerAuth()
@Controller('v1/channels/email-sender')
export class EmailSenderController {
  constructor(private readonly senders: EmailSenderService) {}

  @Get()
  @ApiOkResponse({ type: EmailSenderView })
  @RequirePermission('channels.manage')
  async get(@CurrentAuth() auth: AuthContext): Promise<EmailSenderView> {
    return toView(EmailSenderView, await this.senders.sender(auth));
  }

  @Put()
  @ApiOkResponse({ type: EmailSenderView })
  @RequirePermission('channels.manage')
  async set(@CurrentAuth() auth: AuthContext, @Body() input: EmailSenderDto): Promise<EmailSenderView> {
    return toView(EmailSenderView, await this.senders.setSender(auth, input));
  }

  @Delete()
  @HttpCode(204)
  @RequirePermission('channels.manage')
  remove(@CurrentAuth() auth: AuthContext): Promise<void> {
    return this.senders.removeSender(auth);
  }
}
