import { Migration } from '@mikro-orm/migrations';

/**
 * IMAP mailboxes (password sealed, cursor UIDVALIDITY + last UID) and inbound mail stored raw
 * before processing, unique per mailbox + UIDVALIDITY + UID, with its dedup key.
 */
export class Migration20261124020000_inbound_email extends Migration {
  override up(): void {
    this.addSql(`create table "mailbox" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "name" text not null, "host" text not null, "port" int not null, "secure" boolean not null, "verify_certificate" boolean not null default true, "username" text not null, "password_sealed" text not null, "folder" text not null default 'INBOX', "processed_folder" text not null default 'Relais/Processed', "failed_folder" text not null default 'Relais/Failed', "active" boolean not null default true, "cursor_uid_validity" text null, "cursor_uid" bigint not null default '0', "last_error" text null, "last_connected_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "mailbox_company_id_index" on "mailbox" ("company_id");`);
    this.addSql(`alter table "mailbox" add constraint "mailbox_company_id_foreign" foreign key ("company_id") references "company" ("id");`);

    this.addSql(`create table "inbound_email" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "mailbox_id" uuid not null, "uid_validity" text not null, "uid" bigint not null, "message_id_header" text null, "content_hash" text not null, "dedup_key" text not null, "size" int not null, "raw" bytea not null, "status" text not null default 'received', "outcome" text null, "thread_message_id" uuid null, "reply_id" uuid null, "processed_at" timestamptz null, "moved_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "inbound_email_company_id_index" on "inbound_email" ("company_id");`);
    this.addSql(`create index "inbound_email_mailbox_pending_move_index" on "inbound_email" ("mailbox_id", "moved_at", "status");`);
    this.addSql(`create index "inbound_email_company_dedup_index" on "inbound_email" ("company_id", "dedup_key", "id");`);
    this.addSql(`alter table "inbound_email" add constraint "inbound_email_mailbox_uid_unique" unique ("mailbox_id", "uid_validity", "uid");`);
    this.addSql(`alter table "inbound_email" add constraint "inbound_email_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "inbound_email" add constraint "inbound_email_mailbox_id_foreign" foreign key ("mailbox_id") references "mailbox" ("id") on delete cascade;`);
  }
}
