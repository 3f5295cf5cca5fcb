import { Migration } from '@mikro-orm/migrations';

/**
 * Outbound deliveries (one per outbox row) and their attempts, thread reference tags, opt-outs; and
 * inbound replies on threads (no signed-in author, origin, sender, original text, attachments, the
 * inbound item's key that makes a second append of the same item a no-op).
 */
export class Migration20261124000000_deliveries extends Migration {
  override up(): void {
    this.addSql(`create table "delivery" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "outbox_copy_id" uuid not null, "message_id" uuid not null, "reply_id" uuid null, "channel" text not null, "recipient_type" text not null, "recipient_user_id" uuid null, "recipient_client_id" uuid null, "address" text null, "status" text not null default 'pending', "reply_token" text null, "email_message_id" text null, "provider_message_id" text null, "segments" int null, "encoding" text null, "failure_reason" text null, "provider_code" text null, "attempts" int not null default 0, "claimed_at" timestamptz null, "sent_at" timestamptz null, "delivered_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "delivery" add constraint "delivery_outbox_copy_unique" unique ("outbox_copy_id");`);
    this.addSql(`alter table "delivery" add constraint "delivery_reply_token_unique" unique ("reply_token");`);
    this.addSql(`alter table "delivery" add constraint "delivery_email_message_id_unique" unique ("email_message_id");`);
    this.addSql(`alter table "delivery" add constraint "delivery_provider_message_id_unique" unique ("provider_message_id");`);
    this.addSql(`create index "delivery_company_id_index" on "delivery" ("company_id");`);
    this.addSql(`create index "delivery_message_id_index" on "delivery" ("message_id");`);
    this.addSql(`create index "delivery_company_status_index" on "delivery" ("company_id", "status", "id");`);
    this.addSql(`create index "delivery_sms_address_index" on "delivery" ("channel", "address", "created_at");`);

    this.addSql(`create table "delivery_attempt" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "delivery_id" uuid not null, "outcome" text not null, "provider_code" text null, "detail" text null, primary key ("id"));`);
    this.addSql(`create index "delivery_attempt_company_id_index" on "delivery_attempt" ("company_id");`);
    this.addSql(`create index "delivery_attempt_delivery_id_index" on "delivery_attempt" ("delivery_id");`);

    this.addSql(`create table "thread_tag" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "message_id" uuid not null, "tag" text not null, primary key ("id"));`);
    this.addSql(`alter table "thread_tag" add constraint "thread_tag_message_unique" unique ("message_id");`);
    this.addSql(`alter table "thread_tag" add constraint "thread_tag_tag_unique" unique ("tag");`);

    this.addSql(`create table "opt_out" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "channel" text not null, "address" text not null, "source" text not null, "reason" text null, primary key ("id"));`);
    this.addSql(`create index "opt_out_company_id_index" on "opt_out" ("company_id");`);
    this.addSql(`alter table "opt_out" add constraint "opt_out_company_channel_address_unique" unique ("company_id", "channel", "address");`);

    this.addSql(`alter table "delivery" add constraint "delivery_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "delivery" add constraint "delivery_message_id_foreign" foreign key ("message_id") references "message" ("id") on delete cascade;`);
    this.addSql(`alter table "delivery" add constraint "delivery_reply_id_foreign" foreign key ("reply_id") references "message_reply" ("id") on delete cascade;`);
    this.addSql(`alter table "delivery_attempt" add constraint "delivery_attempt_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "delivery_attempt" add constraint "delivery_attempt_delivery_id_foreign" foreign key ("delivery_id") references "delivery" ("id") on delete cascade;`);
    this.addSql(`alter table "thread_tag" add constraint "thread_tag_message_id_foreign" foreign key ("message_id") references "message" ("id") on delete cascade;`);
    this.addSql(`alter table "opt_out" add constraint "opt_out_company_id_foreign" foreign key ("company_id") references "company" ("id");`);

    this.addSql(`create type "reply_origin" as enum ('app', 'email', 'sms');`);
    this.addSql(`alter table "message_reply" alter column "author_id" drop not null;`);
    this.addSql(`alter table "message_reply" add column "origin" "reply_origin" not null default 'app', add column "sender_address" text null, add column "sender_name" text null, add column "automatic" boolean not null default false, add column "original_body" text null, add column "inbound_key" text null, add column "attachments" jsonb null;`);
    this.addSql(`alter table "message_reply" add constraint "message_reply_inbound_key_unique" unique ("inbound_key");`);
  }
}
