import { Migration } from '@mikro-orm/migrations';

/**
 * Companies made before workers get the "Intervenant" rights template that new companies are made
 * with (no permission, kind worker). It runs after the migration that added 'worker' to the enum has
 * committed: each migration is its own transaction (`allOrNothing: false` in orm-options), because a
 * value added to an enum cannot be used in the transaction that adds it. A company that already has
 * a worker template, or a template of that name (a manager added one by hand), is left as it is.
 */
export class Migration20261207020000_worker_templates extends Migration {
  override up(): void {
    this.addSql(`insert into "rights_template" ("id", "created_at", "updated_at", "company_id", "name", "kind", "role", "permissions")
      select gen_random_uuid(), now(), now(), c."id", 'Intervenant', 'worker', null, '{}'
      from "company" c
      where not exists (select 1 from "rights_template" t where t."company_id" = c."id" and (t."kind" = 'worker' or t."name" = 'Intervenant'));`);
  }

  override down(): void {
    // Nothing to undo on its own: the workers migration's down removes every worker template.
  }
}
