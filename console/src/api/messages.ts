import { useEffect } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { components } from './schema';

export type MessageView = components['schemas']['MessageView'];
export type SharedMessageView = components['schemas']['SharedMessageView'];
export type ThreadView = components['schemas']['ThreadView'];
export type ReplyView = components['schemas']['ReplyView'];
export type ComposeInput = components['schemas']['ComposeMessageDto'];
export type ReplyInput = components['schemas']['ReplyDto'];
export type CopyView = components['schemas']['CopyView'];

/** Every list shares the 'lists' prefix: a live event marks them all stale at once. */
const LIST_SIZE = 50;

export function useUrgent(enabled = true) {
  return useQuery({ queryKey: ['lists', 'urgent'], enabled, queryFn: () => unwrap(api.GET('/v1/messages/urgent', { params: { query: { limit: LIST_SIZE } } })) });
}

export function useTasks(enabled = true) {
  return useQuery({ queryKey: ['lists', 'tasks'], enabled, queryFn: () => unwrap(api.GET('/v1/tasks', { params: { query: { limit: LIST_SIZE } } })) });
}

export function useDayCounts(from: string, to: string, enabled = true) {
  return useQuery({ queryKey: ['lists', 'day-counts', from, to], enabled, queryFn: () => unwrap(api.GET('/v1/tasks/day-counts', { params: { query: { from, to } } })) });
}

export function useRemarks(enabled: boolean) {
  return useQuery({ queryKey: ['lists', 'remarks'], enabled, queryFn: () => unwrap(api.GET('/v1/remarks', { params: { query: { limit: LIST_SIZE } } })) });
}

export function useUntransmittedVad(enabled: boolean) {
  return useQuery({ queryKey: ['lists', 'vad'], enabled, queryFn: () => unwrap(api.GET('/v1/vad/untransmitted', { params: { query: { limit: LIST_SIZE } } })) });
}

export function useSubcontracting(enabled: boolean) {
  return useQuery({ queryKey: ['lists', 'subcontracting'], enabled, queryFn: () => unwrap(api.GET('/v1/subcontracting/messages', { params: { query: { limit: LIST_SIZE } } })) });
}

export function useClientMessages(clientId: string, filter: 'all' | 'unread' | 'read' | 'deleted') {
  return useQuery({
    queryKey: ['lists', 'client', clientId, filter],
    queryFn: () => unwrap(api.GET('/v1/clients/{clientId}/messages', { params: { path: { clientId }, query: { filter, limit: LIST_SIZE } } })),
  });
}

export function useThread(id: string) {
  return useQuery({
    queryKey: ['thread', id],
    queryFn: () => unwrap(api.GET('/v1/messages/{id}', { params: { path: { id } } })),
    // Copies on their way change status without a live event: look again until they settle, and for
    // a short while after the last post (its copies wait in the outbox before they show as pending).
    refetchInterval: (query) => {
      const thread = query.state.data;
      if (!thread) return false;
      const settling = thread.copies.some((c) => c.status === 'pending' || c.status === 'sending');
      return settling || Date.now() - Date.parse(thread.lastActivityAt) < 30_000 ? 1_000 : false;
    },
  });
}

function useInvalidate() {
  const queries = useQueryClient();
  return (id?: string) => {
    void queries.invalidateQueries({ queryKey: ['lists'] });
    if (id) {
      void queries.invalidateQueries({ queryKey: ['thread', id] });
    }
  };
}

export function useCompose(clientId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: ComposeInput) => unwrap(api.POST('/v1/clients/{clientId}/messages', { params: { path: { clientId } }, body })),
    onSuccess: (thread) => invalidate(thread.id),
  });
}

export function useReply(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: ReplyInput) => unwrap(api.POST('/v1/messages/{id}/replies', { params: { path: { id } }, body })),
    onSuccess: () => invalidate(id),
  });
}

export function useMarkRead(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (read: boolean) =>
      unwrap(read ? api.PUT('/v1/messages/{id}/read', { params: { path: { id } } }) : api.DELETE('/v1/messages/{id}/read', { params: { path: { id } } })),
    onSuccess: () => invalidate(id),
  });
}

/** A thread being read: fetched, and marked read once when it was opened unread. `markRead` can mark it unread again. */
export function useOpenThread(id: string) {
  const thread = useThread(id);
  const markRead = useMarkRead(id);
  const unread = thread.data?.unread;
  useEffect(() => {
    if (unread) markRead.mutate(true);
    // Once per thread opened while unread (markRead is a fresh object each render).
  }, [id, unread]);
  return { thread, markRead };
}

export function useTaskAction(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: components['schemas']['TaskDto']) => unwrap(api.PUT('/v1/messages/{id}/task', { params: { path: { id } }, body })),
    onSuccess: () => invalidate(id),
  });
}

export function useVadTransmitted(id: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: () => unwrap(api.PUT('/v1/messages/{id}/vad', { params: { path: { id } }, body: { transmitted: true } })),
    onSuccess: () => invalidate(id),
  });
}

export function useRetryDelivery(messageId: string) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/v1/deliveries/{id}/retry', { params: { path: { id } } })),
    onSuccess: () => invalidate(messageId),
  });
}

/** The inbox's exact counts; under 'lists', so every live event refreshes them with the lists. */
export function useInboxCounts() {
  return useQuery({ queryKey: ['lists', 'counts'], queryFn: () => unwrap(api.GET('/v1/inbox/counts')) });
}

export function useUnread(enabled = true) {
  return useQuery({ queryKey: ['lists', 'unread'], enabled, queryFn: () => unwrap(api.GET('/v1/messages/unread', { params: { query: { limit: LIST_SIZE } } })) });
}
