import { FaxGatewayView } from './dto/fax-gateway.view.js';
import { toView } from '../core/http/views.js';
import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { FaxGatewayDto } from './email-sender.dto.js';
import { EmailSenderService } from './email-sender.service.js';

/** The company's email-to-fax gateway address pattern (fax copies are PDFs emailed there). */
@ApiTags('channels')
@ApiBearerAuth()
@Controller('v1/channels/fax')
export class FaxController {
  constructor(private readonly senders: EmailSenderService) {}

  @Get()
  @ApiOkResponse({ type: FaxGatewayView })
  @RequirePermission('channels.manage')
  async get(@CurrentAuth() auth: AuthContext): Promise<FaxGatewayView> {
    return toView(FaxGatewayView, await this.senders.fax(auth));
  }

  @Put()
  @ApiOkResponse({ type: FaxGatewayView })
  @RequirePermission('channels.manage')
  async set(@CurrentAuth() auth: AuthContext, @Body() input: FaxGatewayDto): Promise<FaxGatewayView> {
    return toView(FaxGatewayView, await this.senders.setFax(auth, input));
  }

  @Delete()
  @HttpCode(204)
  @RequirePermission('channels.manage')
  remove(@CurrentAuth() auth: AuthContext): Promise<void> {
    return this.senders.removeFax(auth);
  }
}
