import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { IdParam, type Page, PageQuery } from '../core/http/params.js';
import { CreateSmsNumberDto, SmsNumberView, UpdateSmsNumberDto } from './sms-number.dto.js';
import { SmsNumbersService } from './sms-numbers.service.js';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('v1/channels/sms-numbers')
export class SmsNumbersController {
  constructor(private readonly numbers: SmsNumbersService) {}

  @Get()
  @ApiPageResponse(SmsNumberView)
  @RequirePermission('channels.manage')
  list(@CurrentAuth() auth: AuthContext, @Query() query: PageQuery): Promise<Page<SmsNumberView>> {
    return this.numbers.list(auth, query);
  }

  @Post()
  @ApiCreatedResponse({ type: SmsNumberView })
  @ApiUnprocessableEntityResponse({ description: 'sms_number_not_verified: Twilio does not confirm that this account SID and auth token can read the number or Messaging Service' })
  @ApiBadGatewayResponse({ description: 'twilio_unavailable: Twilio could not be asked (unreachable, too slow, failing); nothing was saved' })
  @ApiConflictResponse({ description: 'conflict: the number or Messaging Service is already configured and verified (the answer names nobody)' })
  @RequirePermission('channels.manage')
  create(@CurrentAuth() auth: AuthContext, @Body() input: CreateSmsNumberDto): Promise<SmsNumberView> {
    return this.numbers.create(auth, input);
  }

  @Get(':id')
  @ApiOkResponse({ type: SmsNumberView })
  @RequirePermission('channels.manage')
  get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<SmsNumberView> {
    return this.numbers.get(auth, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: SmsNumberView })
  @ApiUnprocessableEntityResponse({ description: 'sms_number_not_verified: Twilio does not confirm that this account SID and auth token can read the number or Messaging Service' })
  @ApiBadGatewayResponse({ description: 'twilio_unavailable: Twilio could not be asked (unreachable, too slow, failing); nothing was saved' })
  @ApiConflictResponse({ description: 'conflict: the number or Messaging Service is already configured and verified (the answer names nobody)' })
  @RequirePermission('channels.manage')
  update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateSmsNumberDto): Promise<SmsNumberView> {
    return this.numbers.update(auth, id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('channels.manage')
  remove(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.numbers.remove(auth, id);
  }
}
