import { Migration } from '@mikro-orm/migrations';

/**
 * Rights (permissions on accounts, rights templates), client files with contacts and instructions,
 * structures and subcontracting links, company and account settings, snippets, the audit log.
 */
export class Migration20261123010000_administration extends Migration {
  override up(): void {
    this.addSql(`create type "instruction_visibility" as enum ('message', 'call', 'vad');`);
    this.addSql(`create type "copy_channel" as enum ('email', 'sms', 'fax');`);
    this.addSql(`create type "banner_audience" as enum ('collaborators', 'clients');`);
    this.addSql(`create type "subcontracting_link_status" as enum ('pending', 'accepted', 'ended');`);
    this.addSql(`create table "client" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "name" text not null, "email" text null, "mobile" text null, "fax" text null, "street" text null, "postal_code" text null, "city" text null, primary key ("id"));`);
    this.addSql(`create index "client_company_id_index" on "client" ("company_id");`);
    this.addSql(`create table "audit_entry" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "actor_id" uuid null, "action" text not null, "target_type" text not null, "target_id" uuid not null, "before" jsonb null, "after" jsonb null, primary key ("id"));`);
    this.addSql(`create index "audit_entry_company_id_index" on "audit_entry" ("company_id");`);
    this.addSql(`create index "audit_entry_company_target_index" on "audit_entry" ("company_id", "target_type", "target_id");`);
    this.addSql(`create table "contact" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "client_id" uuid not null, "name" text not null, "email" text null, "phone" text null, "street" text null, "postal_code" text null, "city" text null, primary key ("id"));`);
    this.addSql(`create index "contact_company_id_index" on "contact" ("company_id");`);
    this.addSql(`create index "contact_client_id_index" on "contact" ("client_id");`);
    this.addSql(`create table "instruction" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "client_id" uuid not null, "text" text not null, "visibility" "instruction_visibility"[] not null, primary key ("id"));`);
    this.addSql(`create index "instruction_company_id_index" on "instruction" ("company_id");`);
    this.addSql(`create index "instruction_client_id_index" on "instruction" ("client_id");`);
    this.addSql(`create table "rights_template" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "name" text not null, "kind" "user_kind" not null, "role" "collaborator_role" null, "permissions" text[] not null, primary key ("id"));`);
    this.addSql(`create index "rights_template_company_id_index" on "rights_template" ("company_id");`);
    this.addSql(`alter table "rights_template" add constraint "rights_template_company_name_unique" unique ("company_id", "name");`);
    this.addSql(`create table "snippet" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "title" text not null, "text" text not null, primary key ("id"));`);
    this.addSql(`create index "snippet_company_id_index" on "snippet" ("company_id");`);
    this.addSql(`create table "structure" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "name" text not null, "is_copy_circle" boolean not null default false, primary key ("id"));`);
    this.addSql(`create index "structure_company_id_index" on "structure" ("company_id");`);
    this.addSql(`create table "company_settings" ("company_id" uuid not null, "default_channels" "copy_channel"[] not null, "default_message_template_id" uuid null, "message_info" text null, "copy_circle_structure_id" uuid null, "banner_text" text null, "banner_audience" "banner_audience" null, "updated_at" timestamptz not null, primary key ("company_id"));`);
    this.addSql(`create table "subcontracting_link" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "partner_company_id" uuid not null, "status" "subcontracting_link_status" not null default 'pending', "requested_by" uuid not null, "accepted_by" uuid null, "accepted_at" timestamptz null, "ended_by" uuid null, "ended_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "subcontracting_link_company_id_index" on "subcontracting_link" ("company_id");`);
    this.addSql(`create index "subcontracting_link_partner_company_id_index" on "subcontracting_link" ("partner_company_id");`);
    this.addSql(`create table "structure_member" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "structure_id" uuid not null, "user_id" uuid not null, "member_company_id" uuid not null, primary key ("id"));`);
    this.addSql(`create index "structure_member_company_id_index" on "structure_member" ("company_id");`);
    this.addSql(`create index "structure_member_user_id_index" on "structure_member" ("user_id");`);
    this.addSql(`create index "structure_member_member_company_id_index" on "structure_member" ("member_company_id");`);
    this.addSql(`alter table "structure_member" add constraint "structure_member_unique" unique ("structure_id", "user_id");`);
    this.addSql(`create table "user_settings" ("user_id" uuid not null, "default_channels" "copy_channel"[] null, "default_message_template_id" uuid null, "message_info" text null, "updated_at" timestamptz not null, primary key ("user_id"));`);
    this.addSql(`alter table "app_user" add "client_id" uuid null, add "permissions" text[] not null default '{}', add "rights_template_id" uuid null, add "rights_applied_at" timestamptz null;`);
    this.addSql(`alter table "app_user" alter column "permissions" drop default;`);
    // Managers created before rights existed keep administering their company.
    this.addSql(`update "app_user" set "permissions" = array['accounts.read', 'accounts.manage', 'rights.manage', 'structures.read', 'structures.manage', 'subcontracting.manage', 'clients.read', 'clients.manage', 'settings.read', 'settings.manage', 'audit.read', 'messages.read', 'messages.write', 'messages.remarks.read', 'messages.remarks.write', 'messages.vad.manage', 'messages.templates.manage', 'exchanges.read', 'exchanges.write', 'exchanges.delete', 'notes.read', 'notes.write', 'channels.manage', 'outbound.manage', 'routing.manage']::text[] where "role" = 'manager';`);
    this.addSql(`alter table "app_user" add constraint "app_user_client_id_foreign" foreign key ("client_id") references "client" ("id") on delete restrict;`);
    this.addSql(`create index "app_user_client_id_index" on "app_user" ("client_id");`);
    this.addSql(`alter table "app_user" add constraint "app_user_client_matches_kind" check ((kind = 'collaborator') = (client_id is null));`);
    this.addSql(`alter table "client" add constraint "client_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "audit_entry" add constraint "audit_entry_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "contact" add constraint "contact_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "contact" add constraint "contact_client_id_foreign" foreign key ("client_id") references "client" ("id") on delete cascade;`);
    this.addSql(`alter table "instruction" add constraint "instruction_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "instruction" add constraint "instruction_client_id_foreign" foreign key ("client_id") references "client" ("id") on delete cascade;`);
    this.addSql(`alter table "rights_template" add constraint "rights_template_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "rights_template" add constraint "rights_template_role_matches_kind" check ((kind = 'collaborator') = (role is not null));`);
    this.addSql(`alter table "snippet" add constraint "snippet_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "structure" add constraint "structure_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "company_settings" add constraint "company_settings_company_id_foreign" foreign key ("company_id") references "company" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "company_settings" add constraint "company_settings_copy_circle_structure_id_foreign" foreign key ("copy_circle_structure_id") references "structure" ("id") on delete set null;`);
    this.addSql(`alter table "subcontracting_link" add constraint "subcontracting_link_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "subcontracting_link" add constraint "subcontracting_link_partner_company_id_foreign" foreign key ("partner_company_id") references "company" ("id");`);
    this.addSql(`alter table "structure_member" add constraint "structure_member_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "structure_member" add constraint "structure_member_structure_id_foreign" foreign key ("structure_id") references "structure" ("id") on delete cascade;`);
    this.addSql(`alter table "structure_member" add constraint "structure_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "structure_member" add constraint "structure_member_member_company_id_foreign" foreign key ("member_company_id") references "company" ("id");`);
    this.addSql(`alter table "user_settings" add constraint "user_settings_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
  }
}
