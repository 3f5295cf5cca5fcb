/** One event read from GET /v1/events. */
export interface ReceivedEvent {
  type: string;
  messageId: string;
  at: number;
}

/** Opens GET /v1/events as `token` and collects its events (those naming a type and a thread; not the pings) until `stop` is called. */
export async function listenToEvents(baseUrl: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/v1/events`, { headers: { Authorization: token }, signal: controller.signal });
  const received: ReceivedEvent[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let endedAt: number | null = null;
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          endedAt = Date.now();
          return;
        }
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data) {
            const event = JSON.parse(data.slice(6)) as { type?: string; messageId?: string };
            if (event.type && event.messageId) received.push({ type: event.type, messageId: event.messageId, at: Date.now() });
          }
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    received,
    async waitFor(messageId: string, type: string, timeoutMs = 3_000): Promise<ReceivedEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find((event) => event.messageId === messageId && event.type === type);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${type} event for ${messageId} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    /** When the server ended the stream (null: still open after `timeoutMs`). */
    async ended(timeoutMs: number): Promise<number | null> {
      await Promise.race([pump, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
      return endedAt;
    },
    async stop() {
      controller.abort();
      await pump;
    },
  };
}
