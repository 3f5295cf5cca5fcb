import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

export function useBanner() {
  return useQuery({ queryKey: ['banner'], staleTime: 60_000, queryFn: () => unwrap(api.GET('/v1/banner')) });
}

export function useSettings() {
  return useQuery({ queryKey: ['settings'], staleTime: 60_000, queryFn: () => unwrap(api.GET('/v1/settings')) });
}

export function useSnippets() {
  return useQuery({ queryKey: ['snippets'], staleTime: 60_000, queryFn: () => unwrap(api.GET('/v1/snippets')) });
}

export function useMessageTemplates() {
  return useQuery({ queryKey: ['message-templates'], staleTime: 60_000, queryFn: () => unwrap(api.GET('/v1/message-templates')) });
}
