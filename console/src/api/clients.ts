import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { components } from './schema';

export type Client = components['schemas']['Client'];

/** A search typed letter by letter: the last answer stays on screen while the next is asked. */
export function useClients(q: string) {
  return useQuery({
    queryKey: ['clients', q],
    placeholderData: (previous) => previous,
    queryFn: () => unwrap(api.GET('/v1/clients', { params: { query: { q: q || undefined, limit: 50 } } })),
  });
}

export function useClient(id: string, enabled = true) {
  return useQuery({ queryKey: ['client', id], enabled, queryFn: () => unwrap(api.GET('/v1/clients/{id}', { params: { path: { id } } })) });
}

export function useContacts(id: string) {
  return useQuery({ queryKey: ['client', id, 'contacts'], queryFn: () => unwrap(api.GET('/v1/clients/{id}/contacts', { params: { path: { id } } })) });
}

export function useInstructions(id: string) {
  return useQuery({ queryKey: ['client', id, 'instructions'], queryFn: () => unwrap(api.GET('/v1/clients/{id}/instructions', { params: { path: { id } } })) });
}

/** Account names by id, for authors and CC (the users route is for accounts.read). */
export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['users'],
    enabled,
    staleTime: 60_000,
    queryFn: () => unwrap(api.GET('/v1/users', { params: { query: { limit: 200, active: 'true' } } })),
  });
}

/** The client and secretary accounts of a client file (the users route is for accounts.read). */
export function useClientAccounts(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['client', id, 'accounts'],
    enabled,
    queryFn: () => unwrap(api.GET('/v1/users', { params: { query: { clientId: id, limit: 100 } } })),
  });
}
