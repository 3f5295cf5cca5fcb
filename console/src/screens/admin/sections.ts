/** The administration's sections and who sees each (the API refuses the others anyway). */
export interface AdminSection {
  path: '/users' | '/structures' | '/outbound-templates' | '/content' | '/channels' | '/opt-outs' | '/routing';
  label: string;
  permissions: string[];
}

export const ADMIN_SECTIONS: AdminSection[] = [
  { path: '/users', label: 'Utilisateurs et droits', permissions: ['accounts.manage', 'rights.manage'] },
  { path: '/structures', label: 'Structures', permissions: ['structures.manage'] },
  { path: '/outbound-templates', label: 'Modèles d’envoi', permissions: ['outbound.manage'] },
  { path: '/content', label: 'Modèles, phrases et bandeau', permissions: ['settings.manage', 'messages.templates.manage'] },
  { path: '/channels', label: 'Canaux', permissions: ['channels.manage'] },
  { path: '/opt-outs', label: 'Désinscriptions', permissions: ['outbound.manage'] },
  { path: '/routing', label: 'Règles de routage', permissions: ['routing.manage'] },
];

/** Every permission that opens at least one section: the navigation shows "Administration" for these. */
export const ADMIN_PERMISSIONS = [...new Set(ADMIN_SECTIONS.flatMap((s) => s.permissions))];
