import { Migration } from '@mikro-orm/migrations';

/** Inbound SMS as Twilio posted them, unique per MessageSid. */
export class Migration20261124030000_inbound_sms extends Migration {
  override up(): void {
    this.addSql(`create table "inbound_sms" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "message_sid" text not null, "account_sid" text not null, "sms_number_id" uuid not null, "from_raw" text not null, "to_raw" text not null, "from_address" text null, "body" text not null, "media" jsonb not null, "params" jsonb not null, "status" text not null default 'received', "message_id" uuid null, "reply_id" uuid null, "outcome" text null, "processed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "inbound_sms_company_id_index" on "inbound_sms" ("company_id");`);
    this.addSql(`create index "inbound_sms_status_index" on "inbound_sms" ("status", "id");`);
    this.addSql(`alter table "inbound_sms" add constraint "inbound_sms_message_sid_unique" unique ("message_sid");`);
    this.addSql(`alter table "inbound_sms" add constraint "inbound_sms_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
  }
}
