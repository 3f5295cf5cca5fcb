import { Migration } from '@mikro-orm/migrations';

/**
 * Quarantine triage gets a permission of its own (`quarantine.triage`), apart from `routing.manage`
 * which keeps the routing rules. Who triaged until now (every holder of `routing.manage`) keeps
 * doing so, and operators who write messages get it, since assigning an item posts a reply into a
 * thread; an operator template a manager cut down to reading is left as it is. Templates and the
 * accounts they were applied to are updated alike (accounts hold a copy of their permissions).
 */
export class Migration20261204140000_quarantine_triage extends Migration {
  override up(): void {
    const grantee = `('routing.manage' = any("permissions") or ("role" = 'operator' and 'messages.write' = any("permissions")))
      and not 'quarantine.triage' = any("permissions")`;
    this.addSql(`update "rights_template" set "permissions" = array_append("permissions", 'quarantine.triage') where ${grantee};`);
    this.addSql(`update "app_user" set "permissions" = array_append("permissions", 'quarantine.triage') where ${grantee};`);
  }

  override down(): void {
    this.addSql(`update "rights_template" set "permissions" = array_remove("permissions", 'quarantine.triage');`);
    this.addSql(`update "app_user" set "permissions" = array_remove("permissions", 'quarantine.triage');`);
  }
}
