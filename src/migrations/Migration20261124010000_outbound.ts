import { Migration } from '@mikro-orm/migrations';

/**
 * Outbound delivery: the companies' email sender and fax gateway, per-company template overrides,
 * the kind of a delivery (a copy, or an alert to staff that a client replied) and when its provider
 * was called under the current claim, the digest an email copy attaches (asked for at compose
 * time), and each account's choice about reply alerts.
 */
export class Migration20261124010000_outbound extends Migration {
  override up(): void {
    this.addSql(`create table "email_sender" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "address" text not null, "name" text not null, primary key ("id"));`);
    this.addSql(`create index "email_sender_company_id_index" on "email_sender" ("company_id");`);
    this.addSql(`alter table "email_sender" add constraint "email_sender_company_unique" unique ("company_id");`);
    this.addSql(`alter table "email_sender" add constraint "email_sender_company_id_foreign" foreign key ("company_id") references "company" ("id");`);

    this.addSql(`create table "fax_gateway" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "address_pattern" text not null, primary key ("id"));`);
    this.addSql(`create index "fax_gateway_company_id_index" on "fax_gateway" ("company_id");`);
    this.addSql(`alter table "fax_gateway" add constraint "fax_gateway_company_unique" unique ("company_id");`);
    this.addSql(`alter table "fax_gateway" add constraint "fax_gateway_company_id_foreign" foreign key ("company_id") references "company" ("id");`);

    this.addSql(`create table "outbound_template" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "name" text not null, "source" text not null, primary key ("id"));`);
    this.addSql(`create index "outbound_template_company_id_index" on "outbound_template" ("company_id");`);
    this.addSql(`alter table "outbound_template" add constraint "outbound_template_company_name_unique" unique ("company_id", "name");`);
    this.addSql(`alter table "outbound_template" add constraint "outbound_template_company_id_foreign" foreign key ("company_id") references "company" ("id");`);

    this.addSql(`alter table "delivery" add column "kind" text not null default 'copy', add column "provider_called_at" timestamptz null;`);
    this.addSql(`alter table "outbox_copy" add column "attach_digest" jsonb null;`);

    this.addSql(`create table "reply_alert_setting" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "user_id" uuid not null, "enabled" boolean not null default true, primary key ("id"));`);
    this.addSql(`create index "reply_alert_setting_company_id_index" on "reply_alert_setting" ("company_id");`);
    this.addSql(`alter table "reply_alert_setting" add constraint "reply_alert_setting_user_unique" unique ("user_id");`);
    this.addSql(`alter table "reply_alert_setting" add constraint "reply_alert_setting_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "reply_alert_setting" add constraint "reply_alert_setting_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
  }
}
