/** One message of a server-sent event stream. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

/**
 * Reads a server-sent event stream over fetch, keeping every message, so a test can
 * wait for the one it expects.
 */
export class EventStreamReader {
  readonly received: StreamEvent[] = [];
  private readonly waiters: Array<{ test: (e: StreamEvent) => boolean; resolve: (e: StreamEvent) => void }> = [];
  private readonly abort = new AbortController();
  private reading: Promise<void> | undefined;

  static async open(url: string, headers: Record<string, string>): Promise<EventStreamReader> {
    const reader = new EventStreamReader();
    const response = await fetch(url, { headers, signal: reader.abort.signal });
    if (response.status !== 200) throw new Error(`The event stream answered ${response.status}`);
    reader.reading = reader.read(response.body!);
    return reader;
  }

  /** Resolves with the first message (already read or to come) that `test` accepts. */
  waitFor(test: (e: StreamEvent) => boolean): Promise<StreamEvent> {
    const found = this.received.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.reading?.catch(() => undefined);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === undefined || data === undefined) continue;
        const message = { event, data: JSON.parse(data) as unknown };
        this.received.push(message);
        for (const waiter of this.waiters.filter((w) => w.test(message))) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    }
  }
}
