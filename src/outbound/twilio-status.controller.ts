import { v7 as uuidv7 } from 'uuid';
import { EntityManager } from '@mikro-orm/postgresql';
import { Body, Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Request } from 'express';
import twilio from 'twilio';
import { SmsNumbersService } from '../channels/sms-numbers.service.js';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { Public } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';

/** Twilio statuses after which nothing more will come, mapped to ours. */
const FINAL: Record<string, 'delivered' | 'failed'> = { delivered: 'delivered', undelivered: 'failed', failed: 'failed' };

/**
 * Twilio's delivery reports for SMS copies. Public (Twilio has no bearer token) but signed: the
 * X-Twilio-Signature is checked with the company's auth token against PUBLIC_BASE_URL + the path,
 * the URL Twilio was given (so it holds behind a proxy). A forged or unverifiable call is a 403
 * and changes nothing. A later status never goes back on a final one (callbacks may cross).
 */
@Controller('webhooks/twilio')
export class TwilioStatusController {
  constructor(
    private readonly em: EntityManager,
    private readonly numbers: SmsNumbersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('status')
  @Public()
  @HttpCode(204)
  @ApiExcludeEndpoint()
  async status(@Req() req: Request, @Headers('x-twilio-signature') signature: string | undefined, @Body() form: Record<string, string>): Promise<void> {
    const sid = typeof form.MessageSid === 'string' ? form.MessageSid : '';
    const connection = this.em.getConnection();
    const [delivery] = sid ? await connection.execute<{ id: string; company_id: string }[]>('select id, company_id from delivery where provider_message_id = ?', [sid]) : [];
    const sender = delivery ? await this.numbers.senderFor(delivery.company_id) : null;
    const url = `${this.config.publicBaseUrl}${req.originalUrl}`;
    if (!delivery || !sender || !signature || !twilio.validateRequest(sender.authToken, signature, url, form)) {
      throw new DomainError('permission_denied', 'The Twilio signature does not match this request');
    }
    const reported = String(form.MessageStatus ?? '').toLowerCase();
    const final = FINAL[reported];
    const code = form.ErrorCode ? String(form.ErrorCode) : null;
    await connection.execute(
      `with changed as (
         update delivery set updated_at = now(),
                status = case when ? is not null and status in ('sending', 'sent') then ? else status end,
                delivered_at = case when ? = 'delivered' and status in ('sending', 'sent') then now() else delivered_at end,
                failure_reason = case when ? = 'failed' and status in ('sending', 'sent') then 'provider_' || ? else failure_reason end,
                provider_code = coalesce(?, provider_code)
          where id = ? returning id, company_id)
       insert into delivery_attempt (id, created_at, updated_at, company_id, delivery_id, outcome, provider_code, detail)
       select ?, now(), now(), company_id, id, ?, ?, null from changed`,
      [final ?? null, final ?? null, final ?? null, final ?? null, reported, code, delivery.id, uuidv7(), `status:${reported.slice(0, 40)}`, code],
    );
  }
}
