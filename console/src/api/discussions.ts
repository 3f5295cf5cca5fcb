import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api, unwrap } from './client';
import type { components } from './schema';

export type DiscussionView = components['schemas']['Discussion'];
export type DiscussionReplyView = components['schemas']['DiscussionReply'];

/** Which discussions a list shows: only the NEW ones or all, and (staff) those of one client file. */
export interface DiscussionFilter {
  onlyNew: boolean;
  clientId?: string;
}

/**
 * The discussions the caller may see (a portal: the visible ones about itself; staff: all). A hidden
 * one sends the portal no event (not even that it was hidden), so the list also looks again every
 * half minute and when the window regains focus.
 */
export function useDiscussions({ onlyNew, clientId }: DiscussionFilter) {
  return useQuery({
    queryKey: ['lists', 'discussions', { onlyNew, clientId }],
    queryFn: () => unwrap(api.GET('/v1/discussions', { params: { query: { limit: 100, clientId, ...(onlyNew ? { new: 'true' as const } : {}) } } })),
    refetchInterval: 30_000,
    refetchOnWindowFocus: true,
  });
}

export function useDiscussionCounts() {
  return useQuery({ queryKey: ['lists', 'discussion-counts'], queryFn: () => unwrap(api.GET('/v1/discussions/counts')) });
}

/**
 * Opening a discussion reads it: it is no longer NEW for the caller. The lists and counts are told
 * once per discussion opened, when its first read since opening has come back (not on each refetch).
 */
export function useDiscussion(id: string) {
  const queries = useQueryClient();
  const discussion = useQuery({
    queryKey: ['thread', id, 'discussion'],
    queryFn: () => unwrap(api.GET('/v1/discussions/{id}', { params: { path: { id } } })),
    retry: false,
  });
  // A discussion in the cache is read again on opening: wait for that read, the one that marks it read.
  const read = discussion.isSuccess && !discussion.isFetching;
  const told = useRef<string | null>(null);
  useEffect(() => {
    if (!read || told.current === id) return;
    told.current = id;
    void queries.invalidateQueries({ queryKey: ['lists', 'discussions'] });
    void queries.invalidateQueries({ queryKey: ['lists', 'discussion-counts'] });
  }, [id, read, queries]);
  return discussion;
}

export function useDiscussionReplies(id: string) {
  return useQuery({ queryKey: ['thread', id, 'replies'], queryFn: () => unwrap(api.GET('/v1/discussions/{id}/replies', { params: { path: { id } } })), retry: false });
}

/** A new discussion: from a portal, a title and a body only; staff also name its person and whether the portal shows it. */
export type NewDiscussion = Pick<components['schemas']['CreateDiscussionDto'], 'title' | 'body'> & Partial<components['schemas']['CreateDiscussionDto']>;

export function useOpenDiscussion() {
  const queries = useQueryClient();
  return useMutation({
    // `visible` has a default, which the generated type reads as required; from a portal it must be
    // left out (a portal discussion is visible by definition, and the API refuses the field there).
    mutationFn: (input: NewDiscussion) => unwrap(api.POST('/v1/discussions', { body: input as components['schemas']['CreateDiscussionDto'] })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['lists'] }),
  });
}

/** Staff: a new title, shown on or hidden from the portal. */
export function useUpdateDiscussion(id: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (changes: { title?: string; visible?: boolean }) => unwrap(api.PATCH('/v1/discussions/{id}', { params: { path: { id } }, body: changes })),
    onSuccess: (updated) => {
      queries.setQueryData(['thread', id, 'discussion'], updated);
      void queries.invalidateQueries({ queryKey: ['lists'] });
    },
  });
}

export function useReplyToDiscussion(id: string) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => unwrap(api.POST('/v1/discussions/{id}/replies', { params: { path: { id } }, body: { body } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['thread', id] }),
  });
}
