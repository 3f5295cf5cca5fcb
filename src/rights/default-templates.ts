import type { CollaboratorRole, UserKind } from '../accounts/user.entity.js';
import { ALL_PERMISSIONS, type Permission } from './permissions.js';

/** The rights template of workers (intervenants), created with each company. */
export const WORKER_TEMPLATE = 'Intervenant';

export interface TemplateDefinition {
  name: string;
  kind: UserKind;
  role: CollaboratorRole | null;
  permissions: Permission[];
}

const OPERATOR: Permission[] = [
  'accounts.read',
  'structures.read',
  'clients.read',
  'settings.read',
  'messages.read',
  'messages.write',
  'messages.vad.manage',
  'exchanges.read',
  'exchanges.write',
  'notes.read',
  'notes.write',
  // Operators are who answers an unthreaded reply, so they triage the quarantine (not its rules).
  'quarantine.triage',
];

const ADMIN_ONLY: Permission[] = ['accounts.manage', 'rights.manage', 'subcontracting.manage', 'settings.manage', 'audit.read'];

/** The templates every company starts with (SPEC §1–2); managers may edit them like any other. */
export const DEFAULT_TEMPLATES: TemplateDefinition[] = [
  { name: 'Manager', kind: 'collaborator', role: 'manager', permissions: [...ALL_PERMISSIONS] },
  {
    name: 'Supervisor',
    kind: 'collaborator',
    role: 'supervisor',
    permissions: ALL_PERMISSIONS.filter((permission) => !ADMIN_ONLY.includes(permission)),
  },
  { name: 'Operator', kind: 'collaborator', role: 'operator', permissions: OPERATOR },
  {
    name: 'Client',
    kind: 'client',
    role: null,
    permissions: ['clients.read', 'messages.read', 'messages.write', 'messages.remarks.write', 'exchanges.read', 'exchanges.write'],
  },
  { name: 'Secretary', kind: 'secretary', role: null, permissions: ['clients.read', 'messages.read', 'messages.write', 'messages.remarks.write'] },
  // A field worker needs no permission: its own account (/v1/me) and the discussions about it shown on
  // its portal are open to any account; nothing else of the company concerns it.
  { name: WORKER_TEMPLATE, kind: 'worker', role: null, permissions: [] },
];
