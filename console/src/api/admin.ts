import { type QueryKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, unwrapOrNull } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type User = Schemas['User'];
export type RightsTemplate = Schemas['RightsTemplate'];
export type Structure = Schemas['Structure'];
export type TemplateView = Schemas['TemplateView'];
export type RoutingRule = Schemas['RoutingRule'];
export type DryRun = Schemas['RoutingDryRun'];

/**
 * The generated schema types a nullable string of a DTO as `Record<string, never> | null` (how
 * Nest's document describes it); the API takes the string.
 */
export function nullableText(value: string | null): Record<string, never> | null {
  return value as unknown as Record<string, never> | null;
}

/** A write that marks the named queries stale once it settles. */
export function useWrite<I, O>(write: (input: I) => Promise<O>, stale: QueryKey[]) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSettled: () => {
      for (const queryKey of stale) void queries.invalidateQueries({ queryKey });
    },
  });
}

export const useAllUsers = () => useQuery({ queryKey: ['admin', 'users'], queryFn: () => unwrap(api.GET('/v1/users', { params: { query: { limit: 200 } } })) });
export const useRightsTemplates = (enabled = true) =>
  useQuery({ queryKey: ['admin', 'rights-templates'], enabled, queryFn: () => unwrap(api.GET('/v1/rights-templates')) });
export const usePermissionCatalogue = () => useQuery({ queryKey: ['admin', 'permissions'], staleTime: Infinity, queryFn: () => unwrap(api.GET('/v1/permissions')) });
export const useStructures = () => useQuery({ queryKey: ['admin', 'structures'], queryFn: () => unwrap(api.GET('/v1/structures')) });
export const useMembers = (id: string) =>
  useQuery({ queryKey: ['admin', 'structure-members', id], queryFn: () => unwrap(api.GET('/v1/structures/{id}/members', { params: { path: { id } } })) });
export const useOutboundTemplates = () => useQuery({ queryKey: ['admin', 'outbound-templates'], queryFn: () => unwrap(api.GET('/v1/outbound-templates')) });
export const useRoutingRules = () => useQuery({ queryKey: ['admin', 'routing-rules'], queryFn: () => unwrap(api.GET('/v1/routing-rules')) });
export const useMailboxes = () => useQuery({ queryKey: ['admin', 'mailboxes'], queryFn: () => unwrap(api.GET('/v1/channels/mailboxes')) });
export const useSmsNumbers = () => useQuery({ queryKey: ['admin', 'sms-numbers'], queryFn: () => unwrap(api.GET('/v1/channels/sms-numbers')) });
/** The company's From address for email and fax copies, or null when none is set (404). */
export const useEmailSender = () =>
  useQuery({ queryKey: ['admin', 'email-sender'], queryFn: () => unwrapOrNull(api.GET('/v1/channels/email-sender')) });
export const useOptOuts = () => useQuery({ queryKey: ['admin', 'opt-outs'], queryFn: () => unwrap(api.GET('/v1/opt-outs', { params: { query: { limit: 100 } } })) });

/** The fax gateway, or null when none is set (404). */
export const useFax = () =>
  useQuery({ queryKey: ['admin', 'fax'], queryFn: () => unwrapOrNull(api.GET('/v1/channels/fax')) });

/** The API renders the template with its sample data: what the console shows is what would be sent. */
export const usePreview = (name: string, source: string | null) =>
  useQuery({
    queryKey: ['admin', 'preview', name, source],
    enabled: source !== null,
    placeholderData: (previous) => previous,
    queryFn: () => unwrap(api.POST('/v1/outbound-templates/{name}/preview', { params: { path: { name } }, body: { source: source ?? '' } })),
  });
