import { Migration } from '@mikro-orm/migrations';

/**
 * Routing rules for inbound items nobody's thread was waiting for, and where their decisions are
 * kept: the rule an inbound mail or SMS was routed by, and on a quarantine item the label a rule
 * gave it and the mailbox or number it came in (for triage filters).
 */
export class Migration20261205200000_routing_rules extends Migration {
  override up(): void {
    this.addSql(`create table "routing_rule" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "name" text not null, "position" int not null, "enabled" boolean not null default true, "conditions" jsonb not null, "action" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "routing_rule_company_position_index" on "routing_rule" ("company_id", "position");`);
    this.addSql(`alter table "routing_rule" add constraint "routing_rule_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "inbound_email" add column "rule_id" uuid null;`);
    this.addSql(`alter table "inbound_sms" add column "rule_id" uuid null;`);
    this.addSql(`alter table "quarantine_item" add column "label" text null, add column "rule_id" uuid null, add column "received_by" text null;`);
  }

  override down(): void {
    this.addSql(`alter table "quarantine_item" drop column "label", drop column "rule_id", drop column "received_by";`);
    this.addSql(`alter table "inbound_sms" drop column "rule_id";`);
    this.addSql(`alter table "inbound_email" drop column "rule_id";`);
    this.addSql(`drop table "routing_rule";`);
  }
}
