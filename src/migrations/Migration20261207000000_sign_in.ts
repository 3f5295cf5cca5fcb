import { Migration } from '@mikro-orm/migrations';

/** People signing in to the console: a password per account (argon2id, PHC string) and their sessions. */
export class Migration20261207000000_sign_in extends Migration {
  override up(): void {
    this.addSql(`alter table "app_user" add column "password_hash" text null;`);
    this.addSql(`create table "user_session" (
      "id" uuid not null primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "company_id" uuid not null,
      "user_id" uuid not null,
      "hash" text not null,
      "last_seen_at" timestamptz not null,
      "expires_at" timestamptz not null,
      "revoked_at" timestamptz null);`);
    this.addSql(`create index "user_session_company_id_index" on "user_session" ("company_id");`);
    this.addSql(`create index "user_session_user_id_index" on "user_session" ("user_id");`);
    this.addSql(`alter table "user_session" add constraint "user_session_hash_unique" unique ("hash");`);
    this.addSql(`alter table "user_session" add constraint "user_session_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "user_session" add constraint "user_session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
  }

  override down(): void {
    this.addSql(`drop table "user_session";`);
    this.addSql(`alter table "app_user" drop column "password_hash";`);
  }
}
