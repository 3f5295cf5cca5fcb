import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { Public } from '../../core/auth/auth-context.js';
import { InboundSmsReceiver } from './inbound-sms.receiver.js';

/** Twilio posts inbound SMS here; no bearer token, the X-Twilio-Signature header authenticates it. */
@ApiTags('webhooks')
@Public()
@Controller('webhooks/twilio')
export class TwilioSmsController {
  constructor(
    private readonly receiver: InboundSmsReceiver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('sms')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'Stored: an empty TwiML <Response/> (or the help text for HELP)', content: { 'text/xml': {} } })
  async receive(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const twiml = await this.receiver.receive({
      formEncoded: Boolean(request.is('application/x-www-form-urlencoded')),
      params: request.body,
      signature: request.header('x-twilio-signature'),
      // Behind a proxy the local URL is not what Twilio signed: the public one is.
      url: `${this.config.publicBaseUrl}${request.originalUrl}`,
    });
    response.type('text/xml');
    return twiml;
  }
}
