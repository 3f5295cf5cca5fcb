import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import twilio from 'twilio';
import { v7 as uuidv7 } from 'uuid';
import { SmsNumbersService } from '../channels/sms-numbers.service.js';
import { DomainError } from '../core/errors/domain-error.js';

/** Twilio statuses after which nothing more will come, mapped to ours. */
const FINAL: Record<string, 'delivered' | 'failed'> = { delivered: 'delivered', undelivered: 'failed', failed: 'failed' };

/**
 * Twilio's delivery reports for SMS copies. The X-Twilio-Signature is checked with the auth token
 * of the company that sent the copy, against the URL Twilio was given (PUBLIC_BASE_URL + path): a
 * forged or unverifiable report is refused and changes nothing. A report never goes back on a
 * final status (reports may cross); each one is recorded as an attempt row.
 */
@Injectable()
export class TwilioStatusService {
  constructor(
    private readonly em: EntityManager,
    private readonly numbers: SmsNumbersService,
  ) {}

  async apply(input: { url: string; signature: string | undefined; params: Record<string, unknown> }): Promise<void> {
    const params = Object.fromEntries(Object.entries(input.params ?? {}).map(([k, v]) => [k, String(v)]));
    const sid = params.MessageSid ?? '';
    const connection = this.em.getConnection();
    const [delivery] = sid ? await connection.execute<{ id: string; company_id: string }[]>('select id, company_id from delivery where provider_message_id = ?', [sid]) : [];
    const sender = delivery ? await this.numbers.senderFor(delivery.company_id) : null;
    if (!delivery || !sender || !input.signature || !twilio.validateRequest(sender.authToken, input.signature, input.url, params)) {
      throw new DomainError('permission_denied', 'The Twilio signature does not match this request');
    }
    const reported = (params.MessageStatus ?? '').toLowerCase().slice(0, 40);
    const final = FINAL[reported] ?? null;
    const code = params.ErrorCode ? params.ErrorCode.slice(0, 20) : null;
    await connection.execute(
      `with changed as (
         update delivery set updated_at = now(),
                status = case when ?::text is not null and status in ('sending', 'sent') then ? else status end,
                delivered_at = case when ? = 'delivered' and status in ('sending', 'sent') then now() else delivered_at end,
                failure_reason = case when ? = 'failed' and status in ('sending', 'sent') then 'provider_' || ? else failure_reason end,
                provider_code = coalesce(?, provider_code)
          where id = ? returning id, company_id)
       insert into delivery_attempt (id, created_at, updated_at, company_id, delivery_id, outcome, provider_code, detail)
       select ?, now(), now(), company_id, id, ?, ?, null from changed`,
      [final, final, final, final, reported, code, delivery.id, uuidv7(), `status:${reported}`, code],
    );
  }
}
