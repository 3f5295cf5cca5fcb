import { Migration } from '@mikro-orm/migrations';

/** Links that set a console password (an invitation, a reset): only their hash, their expiry and when they were used. */
export class Migration20261207010000_password_links extends Migration {
  override up(): void {
    this.addSql(`create table "password_token" (
      "id" uuid not null primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "company_id" uuid not null,
      "user_id" uuid not null,
      "purpose" text not null,
      "hash" text not null,
      "expires_at" timestamptz not null,
      "used_at" timestamptz null);`);
    this.addSql(`create index "password_token_company_id_index" on "password_token" ("company_id");`);
    this.addSql(`create index "password_token_user_id_index" on "password_token" ("user_id");`);
    this.addSql(`alter table "password_token" add constraint "password_token_hash_unique" unique ("hash");`);
    this.addSql(`alter table "password_token" add constraint "password_token_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "password_token" add constraint "password_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
  }

  override down(): void {
    this.addSql(`drop table "password_token";`);
  }
}
