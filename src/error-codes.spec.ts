import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ACCOUNT_ERRORS } from './accounts/account-errors.js';
import { CHANNEL_ERRORS } from './channels/channel-errors.js';
import { CORE_ERRORS, registeredErrorCodes } from './core/errors/domain-error.js';
import { IMAP_ERRORS } from './channels/imap/imap-errors.js';
import { EXCHANGE_ERRORS } from './exchanges/exchange-errors.js';
import { DISCUSSION_ERRORS } from './discussions/discussion-errors.js';
import { MESSAGE_ERRORS } from './messages/message-errors.js';
import { STRUCTURE_ERRORS } from './structures/structure-errors.js';
import { ROUTING_ERRORS } from './inbound/routing/routing-errors.js';
import { SIGN_IN_ERRORS } from './accounts/sign-in/sign-in-errors.js';
// Loading the application's modules is what registers their codes, as in the api and worker.
import './app.module.js';

/**
 * Every code the API answers with and its status, as the one table in core/errors had them before
 * each module declared its own. A change here changes the HTTP contract.
 */
const EXPECTED: Record<string, number> = {
  invalid_json: 400,
  invalid_id: 400,
  validation_failed: 400,
  invalid_text: 400,
  invalid_date: 400,
  missing_token: 401,
  invalid_token: 401,
  token_revoked: 401,
  account_inactive: 401,
  // Signing in to the console (issue 20).
  invalid_credentials: 401,
  not_signed_in: 401,
  session_expired: 401,
  csrf_failed: 403,
  too_many_attempts: 429,
  invalid_password_token: 400,
  weak_password: 400,
  permission_denied: 403,
  remark_clients_only: 403,
  interventions_staff_only: 403,
  subcontracting_link_required: 403,
  not_found: 404,
  route_not_found: 404,
  conflict: 409,
  intervention_reported: 409,
  exchange_sent: 409,
  exchange_not_sendable: 409,
  portal_window_closed: 409,
  user_email_taken: 409,
  last_manager: 409,
  mailbox_already_watched: 409,
  routing_rules_limit: 409,
  discussion_no_manager: 409,
  payload_too_large: 413,
  body_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rights_template_kind_mismatch: 422,
  body_required: 422,
  contact_not_of_client: 422,
  due_date_required: 422,
  invalid_due_date: 422,
  vad_planned_date_required: 422,
  urgent_only_at_creation: 422,
  invalid_cc: 422,
  detail_required: 422,
  unknown_exchange_type: 422,
  not_a_collaborator: 422,
  no_recipient_address: 422,
  sms_number_not_verified: 422,
  mailbox_unreachable: 422,
  routing_rule_invalid: 422,
  dry_run_invalid: 422,
  discussion_subject_required: 422,
  discussion_link_invalid: 422,
  twilio_unavailable: 502,
  not_ready: 503,
  database_unavailable: 503,
  internal_error: 500,
};

const TABLES = { CORE_ERRORS, ACCOUNT_ERRORS, CHANNEL_ERRORS, IMAP_ERRORS, MESSAGE_ERRORS, EXCHANGE_ERRORS, DISCUSSION_ERRORS, STRUCTURE_ERRORS, ROUTING_ERRORS, SIGN_IN_ERRORS };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('error codes', () => {
  it('are declared once each, by core or by one module, with the statuses the API has always answered', () => {
    const declared = Object.values(TABLES).flatMap((table) => Object.entries(table));
    expect(declared.map(([code]) => code).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(Object.fromEntries(declared)).toEqual(EXPECTED);
  });

  it('are all registered with their status once the application’s modules are loaded', () => {
    expect(Object.fromEntries(registeredErrorCodes())).toEqual(EXPECTED);
  });

  it('cover every code a DomainError is thrown with', () => {
    const thrown = new Set<string>();
    for (const file of sourceFiles(import.meta.dirname)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/new DomainError\(\s*'([a-z_]+)'/g)) thrown.add(match[1]);
    }
    expect(thrown.size).toBeGreaterThan(20);
    for (const code of thrown) expect({ code, status: registeredErrorCodes().get(code) }).toEqual({ code, status: EXPECTED[code] });
  });
});
