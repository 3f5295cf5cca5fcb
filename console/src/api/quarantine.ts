import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { components } from './schema';

export type QuarantineItem = components['schemas']['QuarantineItem'];
export type BulkResult = components['schemas']['BulkResultView'];

export interface QuarantineFilters {
  status: 'open' | 'assigned' | 'discarded' | '';
  channel: 'email' | 'sms' | '';
  reason: string;
  label: string;
}

/** The API decides up to 500 items in one request. */
export const MAX_BULK = 500;

export function useQuarantine(filters: QuarantineFilters) {
  return useQuery({
    queryKey: ['quarantine', 'list', filters],
    queryFn: () =>
      unwrap(
        api.GET('/v1/quarantine', {
          params: {
            query: {
              limit: 100,
              status: filters.status || undefined,
              channel: filters.channel || undefined,
              reason: filters.reason || undefined,
              label: filters.label || undefined,
            },
          },
        }),
      ),
  });
}

export function useQuarantineItem(id: string) {
  return useQuery({ queryKey: ['quarantine', 'item', id], queryFn: () => unwrap(api.GET('/v1/quarantine/{id}', { params: { path: { id } } })) });
}

/** The item's mail or SMS whole: full text and attachments (read from what was stored). */
export function useQuarantineContent(id: string) {
  return useQuery({
    queryKey: ['quarantine', 'content', id],
    staleTime: Infinity,
    queryFn: () => unwrap(api.GET('/v1/quarantine/{id}/content', { params: { path: { id } } })),
  });
}

/** A file of the item, downloaded through the API (the session cookie goes with the link). */
export function quarantineAttachmentPath(id: string, index: number): string {
  return `/v1/quarantine/${encodeURIComponent(id)}/attachments/${index}`;
}

/** After any decision the lists, the item and the threads it went to are stale. */
function useSettled() {
  const queries = useQueryClient();
  return () => {
    void queries.invalidateQueries({ queryKey: ['quarantine'] });
    void queries.invalidateQueries({ queryKey: ['lists'] });
  };
}

export function useAssign(id: string) {
  const settled = useSettled();
  return useMutation({
    mutationFn: (messageId: string) => unwrap(api.POST('/v1/quarantine/{id}/assign', { params: { path: { id } }, body: { messageId } })),
    onSettled: settled,
  });
}

export function useDiscard(id: string) {
  const settled = useSettled();
  return useMutation({
    mutationFn: (reason: string) => unwrap(api.POST('/v1/quarantine/{id}/discard', { params: { path: { id } }, body: { reason } })),
    onSettled: settled,
  });
}

export function useRerun(id: string) {
  const settled = useSettled();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/v1/quarantine/{id}/rerun', { params: { path: { id } } })),
    onSettled: settled,
  });
}

export type BulkInput = components['schemas']['BulkQuarantineDto'];

export function useBulk() {
  const settled = useSettled();
  return useMutation({
    mutationFn: (input: BulkInput) => unwrap(api.POST('/v1/quarantine/bulk', { body: input })),
    onSettled: settled,
  });
}
