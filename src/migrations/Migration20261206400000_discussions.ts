import { Migration } from '@mikro-orm/migrations';

/**
 * Portal discussions: a conversation kind with its own table. A discussion with a worker is about no
 * client file, so a conversation's client file becomes optional. Accounts and companies get the
 * `discussion_alerts` setting (on unless changed), as `reply_alerts`.
 */
export class Migration20261206400000_discussions extends Migration {
  override up(): void {
    this.addSql(`create table "discussion" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "client_id" uuid null, "worker_id" uuid null, "title" text not null, "body" text not null, "author_id" uuid not null, "manager_id" uuid not null, "linked_user_id" uuid null, "linked_client_id" uuid null, "visible" boolean not null default false, primary key ("id"), constraint discussion_one_subject check ((client_id is null) <> (worker_id is null)));`);
    this.addSql(`create index "discussion_company_worker_index" on "discussion" ("company_id", "worker_id", "id");`);
    this.addSql(`create index "discussion_company_client_index" on "discussion" ("company_id", "client_id", "id");`);
    this.addSql(`alter table "discussion" add constraint "discussion_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "conversation" alter column "client_id" drop not null;`);
    this.addSql(`alter table "company_settings" add "discussion_alerts" boolean not null default true;`);
    this.addSql(`alter table "user_settings" add "discussion_alerts" boolean null;`);
  }

  override down(): void {
    this.addSql(`delete from "conversation" where kind = 'discussion';`);
    this.addSql(`drop table "discussion";`);
    this.addSql(`alter table "conversation" alter column "client_id" set not null;`);
    this.addSql(`alter table "company_settings" drop column "discussion_alerts";`);
    this.addSql(`alter table "user_settings" drop column "discussion_alerts";`);
  }
}
