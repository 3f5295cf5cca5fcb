import { Migration } from '@mikro-orm/migrations';

/** Companies' SMS numbers (auth token sealed) and the quarantine of inbound items. */
export class Migration20261124001000_channels extends Migration {
  override up(): void {
    this.addSql(`create table "sms_number" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "phone_number" text null, "messaging_service_sid" text null, "account_sid" text not null, "auth_token_sealed" text not null, primary key ("id"));`);
    this.addSql(`create index "sms_number_company_id_index" on "sms_number" ("company_id");`);
    this.addSql(`alter table "sms_number" add constraint "sms_number_phone_number_unique" unique ("phone_number");`);
    this.addSql(`alter table "sms_number" add constraint "sms_number_messaging_service_sid_unique" unique ("messaging_service_sid");`);
    this.addSql(`alter table "sms_number" add constraint "sms_number_company_id_foreign" foreign key ("company_id") references "company" ("id");`);

    this.addSql(`create table "quarantine_item" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "channel" text not null, "source_id" uuid not null, "reason" text not null, "detail" text null, "sender" text null, "subject" text null, "preview" text null, "suggested_message_id" uuid null, "status" text not null default 'open', "resolved_by" uuid null, "resolved_at" timestamptz null, "assigned_message_id" uuid null, "discard_reason" text null, primary key ("id"));`);
    this.addSql(`create index "quarantine_item_company_id_index" on "quarantine_item" ("company_id");`);
    this.addSql(`create index "quarantine_item_company_status_index" on "quarantine_item" ("company_id", "status", "id");`);
    this.addSql(`alter table "quarantine_item" add constraint "quarantine_item_source_unique" unique ("channel", "source_id");`);
    this.addSql(`alter table "quarantine_item" add constraint "quarantine_item_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
  }
}
