/**
 * An incremental parser for the `text/event-stream` format (the WHATWG
 * server-sent events algorithm, minus retry handling), so the console can read
 * `/v1/events` through `fetch` and send its token in the Authorization header
 * instead of the URL.
 */

/** One dispatched server-sent event. `event` defaults to `message` as in the standard. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * Creates a parser: feed it decoded text chunks as they arrive (chunks may split
 * lines anywhere); it calls `onEvent` once per complete event.
 *
 * @example
 * const feed = createSseParser((e) => console.log(e.event, JSON.parse(e.data)));
 * feed('event: node.joined\ndata: {"a"');
 * feed(':1}\n\n'); // dispatches here
 */
export function createSseParser(onEvent: (event: ServerSentEvent) => void): (chunk: string) => void {
  let buffer = '';
  let eventType = '';
  let dataLines: string[] = [];
  let lastId: string | undefined;

  const dispatch = () => {
    if (dataLines.length > 0) onEvent({ event: eventType || 'message', data: dataLines.join('\n'), id: lastId });
    eventType = '';
    dataLines = [];
  };

  const processLine = (line: string) => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) return; // comment, used by servers as keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventType = value;
    else if (field === 'data') dataLines.push(value);
    else if (field === 'id' && !value.includes('\0')) lastId = value;
  };

  return (chunk: string) => {
    buffer += chunk;
    // Lines end in \n, \r\n or \r; a trailing \r may be the first half of \r\n, so keep it.
    for (;;) {
      const match = /\r\n|\n|\r(?!$)/.exec(buffer);
      if (!match) break;
      processLine(buffer.slice(0, match.index));
      buffer = buffer.slice(match.index + match[0].length);
    }
  };
}
