// Watching a server-sent event stream from a test: `ready` once the server says it listens (its
// `ready` event), `done` with the first event `match` accepts; both fail after `timeoutMs`, so a
// missing event fails the test instead of hanging it.
export interface SseEvent {
  event: string;
  data: any;
}

export function watchSse(url: string, key: string, match: (e: SseEvent) => boolean, timeoutMs = 10_000): { ready: Promise<void>; done: Promise<SseEvent>; abort: () => void } {
  const controller = new AbortController();
  let opened!: () => void;
  const ready = new Promise<void>((r) => (opened = r));
  const done = (async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) throw new Error('the event stream ended');
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
        if (event === 'ready') opened();
        const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, '')).join('\n');
        if (!data) continue;
        const e = { event, data: JSON.parse(data) };
        if (match(e)) {
          controller.abort();
          return e;
        }
      }
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no matching event from ${url} in ${timeoutMs} ms`));
    }, timeoutMs);
  });
  void done.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return { ready: Promise.race([ready, timeout]), done: Promise.race([done, timeout]), abort: () => controller.abort() };
}
