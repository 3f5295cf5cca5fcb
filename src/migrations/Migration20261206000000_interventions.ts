import { Migration } from '@mikro-orm/migrations';

/**
 * Interventions (DIT) and their exchanges, a conversation kind of its own (`exchange`): the
 * intervention's row carries its summary (kept up to date with each exchange written); the company's
 * exchange types; outbox rows may name the address a kind chose (an exchange sent to a contact);
 * deliveries are looked up by entry (where an exchange's copy stands).
 */
export class Migration20261206000000_interventions extends Migration {
  override up(): void {
    this.addSql(`create type "intervention_status" as enum ('requested', 'in_progress', 'done', 'reported');`);
    this.addSql(`create type "exchange_direction" as enum ('received', 'transmitted');`);
    this.addSql(`create type "exchange_status" as enum ('draft', 'recorded', 'sent');`);
    this.addSql(`create type "exchange_origin" as enum ('app', 'portal', 'email', 'sms');`);

    this.addSql(`create table "exchange_type" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null,
      "key" text not null, "label" text not null, "reminder" boolean not null default false, primary key ("id"));`);
    this.addSql(`alter table "exchange_type" add constraint "exchange_type_company_key_unique" unique ("company_id", "key");`);
    this.addSql(`alter table "exchange_type" add constraint "exchange_type_company_id_foreign" foreign key ("company_id") references "company" ("id");`);

    this.addSql(`create table "intervention" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null,
      "client_id" uuid not null, "contact_id" uuid null, "author_id" uuid not null, "title" text not null, "description" text not null default '',
      "status" "intervention_status" not null default 'requested', "requested_at" timestamptz not null, "planned_at" timestamptz null,
      "done_at" timestamptz null, "reported_at" timestamptz null, "exchange_count" int not null default 0, "reminder_count" int not null default 0,
      "latest_preview" text null, "latest_exchange_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "intervention_author_id_index" on "intervention" ("author_id");`);
    this.addSql(`create index "intervention_reminder_index" on "intervention" ("company_id", "id") where "reminder_count" > 0;`);
    this.addSql(`create index "intervention_company_updated_index" on "intervention" ("company_id", "updated_at");`);
    this.addSql(`create index "intervention_company_status_index" on "intervention" ("company_id", "status", "id");`);
    this.addSql(`create index "intervention_company_client_index" on "intervention" ("company_id", "client_id", "id");`);
    this.addSql(`create index "intervention_company_index" on "intervention" ("company_id", "id");`);
    this.addSql(`alter table "intervention" add constraint "intervention_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "intervention" add constraint "intervention_client_id_foreign" foreign key ("client_id") references "client" ("id");`);
    this.addSql(`alter table "intervention" add constraint "intervention_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on delete set null;`);
    this.addSql(`alter table "intervention" add constraint "intervention_author_id_foreign" foreign key ("author_id") references "app_user" ("id");`);

    this.addSql(`create table "exchange" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null,
      "intervention_id" uuid not null, "entry_id" uuid null, "direction" "exchange_direction" not null, "type" text not null,
      "reminder" boolean not null default false, "staff_user_id" uuid null, "contact_id" uuid null, "author_id" uuid null,
      "recipient_email" text null, "sender_address" text null, "subject" text null, "detail" text not null, "happened_at" timestamptz not null,
      "status" "exchange_status" not null default 'recorded', "origin" "exchange_origin" not null default 'app', "sent_channel" text null,
      "sent_at" timestamptz null, "deleted_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "exchange_intervention_id_index" on "exchange" ("intervention_id");`);
    this.addSql(`alter table "exchange" add constraint "exchange_entry_unique" unique ("entry_id");`);
    this.addSql(`create index "exchange_company_intervention_index" on "exchange" ("company_id", "intervention_id", "happened_at");`);
    this.addSql(`alter table "exchange" add constraint "exchange_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "exchange" add constraint "exchange_intervention_id_foreign" foreign key ("intervention_id") references "intervention" ("id") on delete cascade;`);
    this.addSql(`alter table "exchange" add constraint "exchange_entry_id_foreign" foreign key ("entry_id") references "conversation_entry" ("id") on delete set null;`);
    this.addSql(`alter table "exchange" add constraint "exchange_staff_user_id_foreign" foreign key ("staff_user_id") references "app_user" ("id") on delete set null;`);
    this.addSql(`alter table "exchange" add constraint "exchange_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on delete set null;`);
    this.addSql(`alter table "exchange" add constraint "exchange_author_id_foreign" foreign key ("author_id") references "app_user" ("id") on delete set null;`);

    this.addSql(`alter table "outbox_copy" add "recipient_address" text null;`);
    this.addSql(`create index "delivery_entry_index" on "delivery" ("entry_id") where "entry_id" is not null;`);
  }

  override down(): void {
    this.addSql(`drop index "delivery_entry_index";`);
    this.addSql(`alter table "outbox_copy" drop column "recipient_address";`);
    this.addSql(`drop table "exchange";`);
    this.addSql(`drop table "intervention";`);
    this.addSql(`drop table "exchange_type";`);
    this.addSql(`drop type "exchange_origin";`);
    this.addSql(`drop type "exchange_status";`);
    this.addSql(`drop type "exchange_direction";`);
    this.addSql(`drop type "intervention_status";`);
  }
}
