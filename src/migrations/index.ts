import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000000_identity } from './Migration20261123000000_identity.js';
import { Migration20261123010000_administration } from './Migration20261123010000_administration.js';
import { Migration20261123020000_messages } from './Migration20261123020000_messages.js';
import { Migration20261124000000_deliveries } from './Migration20261124000000_deliveries.js';
import { Migration20261124001000_channels } from './Migration20261124001000_channels.js';
import { Migration20261124010000_outbound } from './Migration20261124010000_outbound.js';
import { Migration20261124020000_inbound_email } from './Migration20261124020000_inbound_email.js';
import { Migration20261124030000_inbound_sms } from './Migration20261124030000_inbound_sms.js';
import { Migration20261124040000_subcontracting_open_pair } from './Migration20261124040000_subcontracting_open_pair.js';
import { Migration20261124050000_message_views } from './Migration20261124050000_message_views.js';
import { Migration20261124060000_reply_alerts_in_settings } from './Migration20261124060000_reply_alerts_in_settings.js';
import { Migration20261124070000_partial_indexes } from './Migration20261124070000_partial_indexes.js';
import { Migration20261124080000_company_led_indexes } from './Migration20261124080000_company_led_indexes.js';
import { Migration20261204100000_mailbox_account_and_authserv } from './Migration20261204100000_mailbox_account_and_authserv.js';
import { Migration20261204120000_sms_number_verified } from './Migration20261204120000_sms_number_verified.js';
import { Migration20261204140000_quarantine_triage } from './Migration20261204140000_quarantine_triage.js';
import { Migration20261205000000_conversations } from './Migration20261205000000_conversations.js';
import { Migration20261205100000_copy_circle_one_source } from './Migration20261205100000_copy_circle_one_source.js';
import { Migration20261206000000_interventions } from './Migration20261206000000_interventions.js';
import { Migration20261204141000_company_country } from './Migration20261204141000_company_country.js';
import { Migration20261205200000_routing_rules } from './Migration20261205200000_routing_rules.js';
import { Migration20261206100000_system_accounts } from './Migration20261206100000_system_accounts.js';
import { Migration20261206200000_notes } from './Migration20261206200000_notes.js';
import { Migration20261206300000_workers } from './Migration20261206300000_workers.js';
import { Migration20261206400000_discussions } from './Migration20261206400000_discussions.js';
import { Migration20261207000000_sign_in } from './Migration20261207000000_sign_in.js';
import { Migration20261207010000_password_links } from './Migration20261207010000_password_links.js';
import { Migration20261207020000_worker_templates } from './Migration20261207020000_worker_templates.js';
import { Migration20261207030000_inbound_email_outlives_mailbox } from './Migration20261207030000_inbound_email_outlives_mailbox.js';

/**
 * Every migration, oldest first. Listed rather than globbed so the same list runs from `src/` under
 * Jest and from `dist/` in production; a spec checks that no file in this folder is missing here.
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261123000000_identity', class: Migration20261123000000_identity },
  { name: 'Migration20261123010000_administration', class: Migration20261123010000_administration },
  { name: 'Migration20261123020000_messages', class: Migration20261123020000_messages },
  { name: 'Migration20261124000000_deliveries', class: Migration20261124000000_deliveries },
  { name: 'Migration20261124001000_channels', class: Migration20261124001000_channels },
  { name: 'Migration20261124010000_outbound', class: Migration20261124010000_outbound },
  { name: 'Migration20261124020000_inbound_email', class: Migration20261124020000_inbound_email },
  { name: 'Migration20261124030000_inbound_sms', class: Migration20261124030000_inbound_sms },
  { name: 'Migration20261124040000_subcontracting_open_pair', class: Migration20261124040000_subcontracting_open_pair },
  { name: 'Migration20261124050000_message_views', class: Migration20261124050000_message_views },
  { name: 'Migration20261124060000_reply_alerts_in_settings', class: Migration20261124060000_reply_alerts_in_settings },
  { name: 'Migration20261124070000_partial_indexes', class: Migration20261124070000_partial_indexes },
  { name: 'Migration20261124080000_company_led_indexes', class: Migration20261124080000_company_led_indexes },
  { name: 'Migration20261204100000_mailbox_account_and_authserv', class: Migration20261204100000_mailbox_account_and_authserv },
  { name: 'Migration20261204120000_sms_number_verified', class: Migration20261204120000_sms_number_verified },
  { name: 'Migration20261204140000_quarantine_triage', class: Migration20261204140000_quarantine_triage },
  { name: 'Migration20261204141000_company_country', class: Migration20261204141000_company_country },
  { name: 'Migration20261205000000_conversations', class: Migration20261205000000_conversations },
  { name: 'Migration20261205100000_copy_circle_one_source', class: Migration20261205100000_copy_circle_one_source },
  { name: 'Migration20261205200000_routing_rules', class: Migration20261205200000_routing_rules },
  { name: 'Migration20261206000000_interventions', class: Migration20261206000000_interventions },
  { name: 'Migration20261206100000_system_accounts', class: Migration20261206100000_system_accounts },
  { name: 'Migration20261206200000_notes', class: Migration20261206200000_notes },
  { name: 'Migration20261206300000_workers', class: Migration20261206300000_workers },
  { name: 'Migration20261206400000_discussions', class: Migration20261206400000_discussions },
  { name: 'Migration20261207000000_sign_in', class: Migration20261207000000_sign_in },
  { name: 'Migration20261207010000_password_links', class: Migration20261207010000_password_links },
  { name: 'Migration20261207020000_worker_templates', class: Migration20261207020000_worker_templates },
  { name: 'Migration20261207030000_inbound_email_outlives_mailbox', class: Migration20261207030000_inbound_email_outlives_mailbox },
];
