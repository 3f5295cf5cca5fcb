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

/** The text filters change letter by letter: the last list stays on screen while the next is asked. */
export function useQuarantine(filters: QuarantineFilters) {
  return useQuery({
    queryKey: ['quarantine', 'list', filters],
    placeholderData: (previous) => previous,
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

/**
 * After a decision the lists are stale (the item's own list and the threads it went to), and the
 * item is what the API answered; its content (the stored mail, slow to read) does not change. When
 * the API refused, the item is read again: someone else may have decided it first.
 */
function useDecided(id?: string) {
  const queries = useQueryClient();
  return {
    onSuccess: (item?: QuarantineItem) => {
      if (item) queries.setQueryData(['quarantine', 'item', item.id], item);
    },
    onSettled: (_data: unknown, error: Error | null) => {
      void queries.invalidateQueries({ queryKey: ['quarantine', 'list'] });
      void queries.invalidateQueries({ queryKey: ['lists'] });
      if (error && id) void queries.invalidateQueries({ queryKey: ['quarantine', 'item', id] });
    },
  };
}

export function useAssign(id: string) {
  const decided = useDecided(id);
  return useMutation({
    mutationFn: (messageId: string) => unwrap(api.POST('/v1/quarantine/{id}/assign', { params: { path: { id } }, body: { messageId } })),
    onSuccess: (item) => decided.onSuccess(item),
    onSettled: decided.onSettled,
  });
}

export function useDiscard(id: string) {
  const decided = useDecided(id);
  return useMutation({
    mutationFn: (reason: string) => unwrap(api.POST('/v1/quarantine/{id}/discard', { params: { path: { id } }, body: { reason } })),
    onSuccess: (item) => decided.onSuccess(item),
    onSettled: decided.onSettled,
  });
}

export function useRerun(id: string) {
  const decided = useDecided(id);
  return useMutation({
    mutationFn: () => unwrap(api.POST('/v1/quarantine/{id}/rerun', { params: { path: { id } } })),
    onSuccess: (answer) => decided.onSuccess(answer.item),
    onSettled: decided.onSettled,
  });
}

export type BulkInput = components['schemas']['BulkQuarantineDto'];

/** Many items at once: the answer says per item how it went, not the item, so every item read is stale. */
export function useBulk() {
  const queries = useQueryClient();
  const decided = useDecided();
  return useMutation({
    mutationFn: (input: BulkInput) => unwrap(api.POST('/v1/quarantine/bulk', { body: input })),
    onSettled: (data, error) => {
      decided.onSettled(data, error);
      void queries.invalidateQueries({ queryKey: ['quarantine', 'item'] });
    },
  });
}
