import { Migration } from '@mikro-orm/migrations';

/**
 * Routing rules for inbound items nobody's thread was waiting for, and where their decisions are
 * kept: the rule an inbound mail or SMS was routed by, and on a quarantine item the label a rule
 * gave it and the mailbox or number it came in (for triage filters). Retention: when a row's raw
 * content was purged.
 */
export class Migration20261205200000_routing_rules extends Migration {
  override up(): void {
    this.addSql(`create table "routing_rule" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "company_id" uuid not null, "name" text not null, "position" int not null, "enabled" boolean not null default true, "conditions" jsonb not null, "action" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "routing_rule_company_position_index" on "routing_rule" ("company_id", "position");`);
    this.addSql(`alter table "routing_rule" add constraint "routing_rule_company_id_foreign" foreign key ("company_id") references "company" ("id");`);
    this.addSql(`alter table "inbound_email" add column "rule_id" uuid null;`);
    this.addSql(`alter table "inbound_sms" add column "rule_id" uuid null;`);
    this.addSql(`alter table "quarantine_item" add column "label" text null, add column "rule_id" uuid null, add column "received_by" text null;`);
    // Retention: when the raw bytes (mail) or text (SMS) were purged; what is still to purge, by age.
    this.addSql(`alter table "inbound_email" add column "raw_purged_at" timestamptz null;`);
    this.addSql(`alter table "inbound_sms" add column "raw_purged_at" timestamptz null;`);
    this.addSql(`create index "inbound_email_retention_index" on "inbound_email" ("created_at") where "raw_purged_at" is null;`);
    this.addSql(`create index "inbound_sms_retention_index" on "inbound_sms" ("created_at") where "raw_purged_at" is null;`);
    this.addSql(`create index "quarantine_item_discarded_index" on "quarantine_item" ("resolved_at") where "status" = 'discarded';`);
  }

  override down(): void {
    this.addSql(`drop index "quarantine_item_discarded_index";`);
    this.addSql(`alter table "inbound_sms" drop column "raw_purged_at";`);
    this.addSql(`alter table "inbound_email" drop column "raw_purged_at";`);
    this.addSql(`alter table "quarantine_item" drop column "label", drop column "rule_id", drop column "received_by";`);
    this.addSql(`alter table "inbound_sms" drop column "rule_id";`);
    this.addSql(`alter table "inbound_email" drop column "rule_id";`);
    this.addSql(`drop table "routing_rule";`);
  }
}
