import { Body, Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiForbiddenResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { Public } from '../core/auth/auth-context.js';
import { TwilioStatusService } from './twilio-status.service.js';

/** Twilio posts SMS delivery reports here; no bearer token, the X-Twilio-Signature header authenticates it. */
@ApiTags('webhooks')
@Public()
@Controller('webhooks/twilio')
export class TwilioStatusController {
  constructor(
    private readonly statuses: TwilioStatusService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('status')
  @HttpCode(204)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiNoContentResponse({ description: 'The status is recorded on the delivery' })
  @ApiForbiddenResponse({ description: 'Signature missing or wrong, or no such message: nothing changes' })
  status(@Req() request: Request, @Headers('x-twilio-signature') signature: string | undefined, @Body() params: Record<string, unknown>): Promise<void> {
    // Behind a proxy the local URL is not what Twilio signed: the public one is.
    return this.statuses.apply({ url: `${this.config.publicBaseUrl}${request.originalUrl}`, signature, params });
  }
}
