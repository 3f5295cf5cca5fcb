import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { FaxGatewayDto } from './email-sender.dto.js';
import { EmailSenderService } from './email-sender.service.js';
import { FaxGateway } from './fax-gateway.entity.js';

/** The company's email-to-fax gateway address pattern (fax copies are PDFs emailed there). */
@ApiTags('channels')
@ApiBearerAuth()
@Controller('v1/channels/fax')
export class FaxController {
  constructor(private readonly senders: EmailSenderService) {}

  @Get()
  @ApiOkResponse({ type: FaxGateway })
  @RequirePermission('channels.manage')
  get(@CurrentAuth() auth: AuthContext): Promise<FaxGateway> {
    return this.senders.fax(auth);
  }

  @Put()
  @ApiOkResponse({ type: FaxGateway })
  @RequirePermission('channels.manage')
  set(@CurrentAuth() auth: AuthContext, @Body() input: FaxGatewayDto): Promise<FaxGateway> {
    return this.senders.setFax(auth, input);
  }

  @Delete()
  @HttpCode(204)
  @RequirePermission('channels.manage')
  remove(@CurrentAuth() auth: AuthContext): Promise<void> {
    return this.senders.removeFax(auth);
  }
}
