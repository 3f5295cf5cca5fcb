import { Migration } from '@mikro-orm/migrations';

/** Companies (tenants), their users and the users' bearer tokens. */
export class Migration20261123000000_identity extends Migration {
  override up(): void {
    this.addSql(`create type "user_kind" as enum ('collaborator', 'client', 'secretary');`);
    this.addSql(`create type "collaborator_role" as enum ('manager', 'supervisor', 'operator');`);

    this.addSql(`create table "company" (
      "id" uuid not null primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "name" text not null);`);

    this.addSql(`create table "app_user" (
      "id" uuid not null primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "company_id" uuid not null,
      "kind" "user_kind" not null,
      "role" "collaborator_role" null,
      "first_name" text not null,
      "last_name" text not null,
      "email" text not null,
      "mobile" text null,
      "active" boolean not null default true);`);
    this.addSql(`create index "app_user_company_id_index" on "app_user" ("company_id");`);
    this.addSql(`alter table "app_user" add constraint "app_user_company_email_unique" unique ("company_id", "email");`);
    this.addSql(
      `alter table "app_user" add constraint "app_user_role_matches_kind" check ((kind = 'collaborator') = (role is not null));`,
    );
    this.addSql(
      `alter table "app_user" add constraint "app_user_company_id_foreign" foreign key ("company_id") references "company" ("id");`,
    );

    this.addSql(`create table "api_token" (
      "id" uuid not null primary key,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "company_id" uuid not null,
      "user_id" uuid not null,
      "name" text not null,
      "hash" text not null,
      "hint" text not null,
      "last_used_at" timestamptz null,
      "revoked_at" timestamptz null);`);
    this.addSql(`create index "api_token_company_id_index" on "api_token" ("company_id");`);
    this.addSql(`alter table "api_token" add constraint "api_token_hash_unique" unique ("hash");`);
    this.addSql(
      `alter table "api_token" add constraint "api_token_company_id_foreign" foreign key ("company_id") references "company" ("id");`,
    );
    this.addSql(
      `alter table "api_token" add constraint "api_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`,
    );
  }
}
