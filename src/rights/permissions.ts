import { SetMetadata } from '@nestjs/common';
import { type AuthContext, ROUTE_ACCESS, type RouteAccess } from '../core/auth/auth-context.js';

/**
 * The fixed catalogue of permissions. Rights templates are sets of these; every /v1 route declares
 * the one it needs (or that any signed-in account may call it).
 */
export const PERMISSIONS = {
  'accounts.read': 'See the company’s accounts',
  'accounts.manage': 'Create, edit, deactivate accounts and manage their API tokens',
  'rights.manage': 'Manage rights templates and apply them to accounts',
  'structures.read': 'See structures and their members',
  'structures.manage': 'Create structures and manage their members',
  'subcontracting.manage': 'Request, accept and end subcontracting links with other companies',
  'clients.read': 'See client files, their contacts and instructions',
  'clients.manage': 'Create and edit client files, contacts and instructions',
  'settings.read': 'See account defaults, saved phrases and the banner',
  'settings.manage': 'Change company defaults, saved phrases and the banner',
  'audit.read': 'Read the audit log of admin changes',
  'messages.read': 'Read messages and threads',
  'messages.write': 'Write messages and replies, manage tasks',
  'messages.remarks.read': 'Read client remarks',
  'messages.remarks.write': 'Send remarks about the service (client side)',
  'messages.vad.manage': 'Confirm home-visit requests as transmitted',
  'messages.templates.manage': 'Manage message templates',
  'exchanges.read': 'Read exchanges on intervention requests',
  'exchanges.write': 'Add and edit exchanges, send them by email',
  'exchanges.delete': 'Delete exchanges where allowed',
  'notes.read': 'Read internal notes and discussion threads',
  'notes.write': 'Write internal notes and discussion threads',
  'channels.manage': 'Configure mailboxes, SMS numbers and the fax gateway',
  'outbound.manage': 'Manage outbound templates, deliveries and opt-outs',
  'routing.manage': 'Manage routing rules (what happens to inbound mail and SMS nobody could thread)',
  'quarantine.triage': 'Read the quarantine and assign its items to a thread or discard them',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

/** The route needs this permission; without it the caller gets 403 naming it. */
export const RequirePermission = (permission: Permission): MethodDecorator =>
  SetMetadata(ROUTE_ACCESS, { permission } satisfies RouteAccess);

/** Whether the caller holds `permission` (a permission outside the catalogue does not compile). */
export function hasPermission(auth: Pick<AuthContext, 'permissions'>, permission: Permission): boolean {
  return auth.permissions.has(permission);
}
