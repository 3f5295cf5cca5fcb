import { boundSql } from '../core/database/sql-rows.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { newId } from '../core/database/new-id.js';
import { SmsNumbersService } from '../channels/sms-numbers.service.js';
import { twilioSigned } from '../channels/twilio-signature.js';
import { storableText } from '../core/database/storable-text.js';
import { DomainError } from '../core/errors/domain-error.js';

/** Twilio statuses after which nothing more will come, mapped to ours. */
const FINAL: Record<string, 'delivered' | 'failed'> = { delivered: 'delivered', undelivered: 'failed', failed: 'failed' };

/**
 * Twilio's delivery reports for SMS copies. The X-Twilio-Signature is checked with the auth token
 * of the Twilio account (of the company that sent the copy) the report names, against the URL Twilio was given (PUBLIC_BASE_URL + path): a
 * forged or unverifiable report is refused and changes nothing. A report never goes back on a
 * final status (reports may cross); each one is recorded as an attempt row.
 */
@Injectable()
export class TwilioStatusService {
  constructor(
    private readonly em: EntityManager,
    private readonly smsNumbers: SmsNumbersService,
  ) {}

  async apply(input: { url: string; signature: string | undefined; params: Record<string, unknown> }): Promise<void> {
    const params = Object.fromEntries(Object.entries(input.params ?? {}).map(([k, v]) => [k, String(v)]));
    const sid = params.MessageSid ?? '';
    const [delivery] = sid ? await boundSql<{ id: string; company_id: string }>(this.em, 'select id, company_id from delivery where provider_message_id = ?', [sid]) : [];
    // The token of the company's Twilio account named in the report (a company may have several numbers).
    const token = delivery ? await this.smsNumbers.authTokenOf(delivery.company_id, params.AccountSid ?? '') : null;
    if (!delivery || !twilioSigned(token, input.signature, input.url, params)) {
      throw new DomainError('permission_denied', 'The Twilio signature does not match this request');
    }
    // Checked as signed, recorded as PostgreSQL can hold it (a NUL byte would fail every retry of the report).
    const reported = storableText((params.MessageStatus ?? '').toLowerCase().slice(0, 40));
    const final = FINAL[reported] ?? null;
    const code = params.ErrorCode ? storableText(params.ErrorCode.slice(0, 20)) : null;
    await boundSql(
      this.em,
      `with changed as (
         update delivery set updated_at = now(),
                status = case when ?::text is not null and status in ('sending', 'sent') then ? else status end,
                delivered_at = case when ? = 'delivered' and status in ('sending', 'sent') then now() else delivered_at end,
                failure_reason = case when ? = 'failed' and status in ('sending', 'sent') then 'provider_' || ? else failure_reason end,
                provider_code = coalesce(?, provider_code)
          where id = ? returning id, company_id)
       insert into delivery_attempt (id, created_at, updated_at, company_id, delivery_id, outcome, provider_code, detail)
       select ?, now(), now(), company_id, id, ?, ?, null from changed`,
      [final, final, final, final, reported, code, delivery.id, newId(), `status:${reported}`, code],
    );
  }
}
