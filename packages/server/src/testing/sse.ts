import http from 'node:http';

/** Opens the event stream over a real socket and collects parsed events until `count` arrived. */
export function collectEvents(
  url: string,
  count: number,
): { events: Promise<{ event: string; data: unknown }[]>; ready: Promise<void>; close(): void } {
  let req: http.ClientRequest | undefined;
  let onReady = () => {};
  const ready = new Promise<void>((r) => {
    onReady = r;
  });
  const events = new Promise<{ event: string; data: unknown }[]>((resolve, reject) => {
    const got: { event: string; data: unknown }[] = [];
    req = http.get(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      if (!String(res.headers['content-type']).includes('text/event-stream')) {
        reject(new Error(`content-type ${res.headers['content-type']}`));
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        if (buffer.includes(': connected')) onReady();
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (event && data) got.push({ event, data: JSON.parse(data) });
          if (got.length >= count) resolve(got);
          end = buffer.indexOf('\n\n');
        }
      });
    });
    req.on('error', reject);
  });
  return { events, ready, close: () => req?.destroy() };
}
