import { Migration } from '@mikro-orm/migrations';

/** Internal notes about a client file or an account, with their alert flag and its dismissal. */
export class Migration20261206200000_notes extends Migration {
  override up(): void {
    this.addSql(`create table "note" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "client_id" uuid null, "user_id" uuid null, "author_id" uuid not null, "text" text not null, "alert" boolean not null default false, "dismissed_at" timestamptz null, "dismissed_by" uuid null, primary key ("id"), constraint note_one_subject check ((client_id is null) <> (user_id is null)));`);
    this.addSql(`create index "note_company_client_index" on "note" ("company_id", "client_id", "id");`);
    this.addSql(`create index "note_company_user_index" on "note" ("company_id", "user_id", "id");`);
    this.addSql(`alter table "note" add constraint "note_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
  }

  override down(): void {
    this.addSql(`drop table "note";`);
  }
}
