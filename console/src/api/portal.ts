import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

/** A client account's interventions (the API keeps them to its own file). */
export function useInterventions(clientId: string) {
  return useQuery({
    queryKey: ['lists', 'interventions', clientId],
    queryFn: () => unwrap(api.GET('/v1/interventions', { params: { query: { clientId, limit: 50 } } })),
  });
}

/** Under the 'thread' key of its id: a live event about the intervention marks it stale. */
export function useIntervention(id: string) {
  return useQuery({ queryKey: ['thread', id, 'intervention'], queryFn: () => unwrap(api.GET('/v1/interventions/{id}', { params: { path: { id } } })) });
}

export function useExchanges(id: string) {
  return useQuery({
    queryKey: ['lists', 'intervention', id, 'exchanges'],
    queryFn: () => unwrap(api.GET('/v1/interventions/{id}/exchanges', { params: { path: { id } } })),
  });
}
