import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

/** The types the API streams (`<kind>.<what>`), with the conversation they are about. */
interface LiveEvent {
  type: string;
  messageId: string;
}

/**
 * One EventSource on /v1/events while signed in (it sends the session cookie): every event marks
 * the lists stale and the conversation it names, so open screens refetch without a reload.
 */
export function useLiveEvents(enabled: boolean): void {
  const queries = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const source = new EventSource('/v1/events', { withCredentials: true });
    const onEvent = (event: MessageEvent<string>) => {
      let data: LiveEvent;
      try {
        data = JSON.parse(event.data) as LiveEvent;
      } catch {
        return;
      }
      void queries.invalidateQueries({ queryKey: ['lists'] });
      if (data.messageId) void queries.invalidateQueries({ queryKey: ['thread', data.messageId] });
    };
    // Named events (`event: message.replied`): listen to every type the stream may send.
    const types = ['message.created', 'message.replied', 'message.task', 'message.vad', 'exchange.created', 'exchange.recorded', 'exchange.updated', 'exchange.replied', 'exchange.sent', 'exchange.deleted', 'discussion.created', 'discussion.replied', 'discussion.updated', 'discussion.shown', 'discussion.hidden'];
    for (const type of types) source.addEventListener(type, onEvent);
    source.onmessage = onEvent;
    return () => source.close();
  }, [enabled, queries]);
}
