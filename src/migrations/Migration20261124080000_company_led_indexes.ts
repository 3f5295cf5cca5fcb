import { Migration } from '@mikro-orm/migrations';

const TABLES = ['app_user', 'audit_entry', 'delivery', 'inbound_email', 'message', 'opt_out', 'outbound_template', 'quarantine_item', 'rights_template'];

/**
 * Tables with an index of their own that starts with `company_id` lose the plain `company_id`
 * index every tenant table gets: the longer index answers any lookup by company alone, and the
 * plain one only cost a write on every insert (two more per inbound reply: its mail and its alert).
 */
export class Migration20261124080000_company_led_indexes extends Migration {
  override up(): void {
    for (const table of TABLES) this.addSql(`drop index "${table}_company_id_index";`);
  }

  override down(): void {
    for (const table of TABLES) this.addSql(`create index "${table}_company_id_index" on "${table}" ("company_id");`);
  }
}
