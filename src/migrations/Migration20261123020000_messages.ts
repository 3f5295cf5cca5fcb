import { Migration } from '@mikro-orm/migrations';

/** Messages (threads) with recipients, replies, history, per-user state, the outbox of copies, templates. */
export class Migration20261123020000_messages extends Migration {
  override up(): void {
    this.addSql(`create type "message_kind" as enum ('message', 'remark');`);
    this.addSql(`create type "task_state" as enum ('none', 'todo', 'done');`);
    this.addSql(`create type "copy_recipient" as enum ('client', 'user');`);
    this.addSql(`create table "message_template" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "name" text not null, "subject" text not null, "body" text not null, "instruction" text null, "vad" boolean not null default false, primary key ("id"));`);
    this.addSql(`create index "message_template_company_id_index" on "message_template" ("company_id");`);
    this.addSql(`create table "message" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "client_id" uuid not null, "author_id" uuid not null, "kind" "message_kind" not null default 'message', "contact_id" uuid null, "subject" text not null, "body" text not null, "instruction" text null, "template_id" uuid null, "urgent" boolean not null default false, "private" boolean not null default false, "copy_circle" boolean not null default false, "task_state" "task_state" not null default 'none', "due_date" date null, "done_by" uuid null, "done_at" timestamptz null, "vad" boolean not null default false, "vad_planned_at" timestamptz null, "vad_street" text null, "vad_postal_code" text null, "vad_city" text null, "vad_transmitted_by" uuid null, "vad_transmitted_at" timestamptz null, "last_activity_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "message_company_id_index" on "message" ("company_id");`);
    this.addSql(`create index "message_author_id_index" on "message" ("author_id");`);
    this.addSql(`create index "message_company_task_index" on "message" ("company_id", "task_state", "due_date");`);
    this.addSql(`create index "message_company_client_index" on "message" ("company_id", "client_id", "id");`);
    this.addSql(`create table "message_user_state" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "message_id" uuid not null, "user_id" uuid not null, "read_at" timestamptz null, "deleted_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "message_user_state_company_id_index" on "message_user_state" ("company_id");`);
    this.addSql(`create index "message_user_state_user_id_index" on "message_user_state" ("user_id");`);
    this.addSql(`alter table "message_user_state" add constraint "message_user_state_unique" unique ("message_id", "user_id");`);
    this.addSql(`create table "message_reply" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "message_id" uuid not null, "author_id" uuid not null, "body" text not null, primary key ("id"));`);
    this.addSql(`create index "message_reply_company_id_index" on "message_reply" ("company_id");`);
    this.addSql(`create index "message_reply_message_id_index" on "message_reply" ("message_id");`);
    this.addSql(`create table "outbox_copy" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "message_id" uuid not null, "reply_id" uuid null, "recipient_type" "copy_recipient" not null, "recipient_user_id" uuid null, "channel" text not null, "status" text not null default 'pending', primary key ("id"));`);
    this.addSql(`create index "outbox_copy_company_id_index" on "outbox_copy" ("company_id");`);
    this.addSql(`create index "outbox_copy_pending_index" on "outbox_copy" ("status", "id");`);
    this.addSql(`create table "message_recipient" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "message_id" uuid not null, "user_id" uuid not null, primary key ("id"));`);
    this.addSql(`create index "message_recipient_company_id_index" on "message_recipient" ("company_id");`);
    this.addSql(`create index "message_recipient_user_id_index" on "message_recipient" ("user_id");`);
    this.addSql(`alter table "message_recipient" add constraint "message_recipient_unique" unique ("message_id", "user_id");`);
    this.addSql(`create table "message_event" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "message_id" uuid not null, "actor_id" uuid not null, "type" text not null, "details" jsonb null, primary key ("id"));`);
    this.addSql(`create index "message_event_company_id_index" on "message_event" ("company_id");`);
    this.addSql(`create index "message_event_message_id_index" on "message_event" ("message_id");`);
    this.addSql(`alter table "message_template" add constraint "message_template_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "message" add constraint "message_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "message" add constraint "message_client_id_foreign" foreign key ("client_id") references "client" ("id");`);
    this.addSql(`alter table "message" add constraint "message_author_id_foreign" foreign key ("author_id") references "app_user" ("id");`);
    this.addSql(`alter table "message" add constraint "message_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on delete set null;`);
    this.addSql(`alter table "message_user_state" add constraint "message_user_state_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "message_user_state" add constraint "message_user_state_message_id_foreign" foreign key ("message_id") references "message" ("id") on delete cascade;`);
    this.addSql(`alter table "message_user_state" add constraint "message_user_state_user_id_foreign" foreign key ("user_id") references "app_user" ("id");`);
    this.addSql(`alter table "message_reply" add constraint "message_reply_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "message_reply" add constraint "message_reply_message_id_foreign" foreign key ("message_id") references "message" ("id") on delete cascade;`);
    this.addSql(`alter table "message_reply" add constraint "message_reply_author_id_foreign" foreign key ("author_id") references "app_user" ("id");`);
    this.addSql(`alter table "outbox_copy" add constraint "outbox_copy_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "outbox_copy" add constraint "outbox_copy_message_id_foreign" foreign key ("message_id") references "message" ("id") on delete cascade;`);
    this.addSql(`alter table "outbox_copy" add constraint "outbox_copy_reply_id_foreign" foreign key ("reply_id") references "message_reply" ("id") on delete cascade;`);
    this.addSql(`alter table "message_recipient" add constraint "message_recipient_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "message_recipient" add constraint "message_recipient_message_id_foreign" foreign key ("message_id") references "message" ("id") on delete cascade;`);
    this.addSql(`alter table "message_recipient" add constraint "message_recipient_user_id_foreign" foreign key ("user_id") references "app_user" ("id");`);
    this.addSql(`alter table "message_event" add constraint "message_event_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "message_event" add constraint "message_event_message_id_foreign" foreign key ("message_id") references "message" ("id") on delete cascade;`);
    this.addSql(
      `create index "message_user_state_deleted_index" on "message_user_state" ("user_id", "message_id") where "deleted_at" is not null;`,
    );
  }
}
