import { describe, expect, it } from 'vitest';
import { createSseParser, type ServerSentEvent } from './sse-parser.js';

function parseAll(chunks: string[]): ServerSentEvent[] {
  const events: ServerSentEvent[] = [];
  const feed = createSseParser((e) => events.push(e));
  for (const chunk of chunks) feed(chunk);
  return events;
}

describe('server-sent events parser', () => {
  it('dispatches an event with its type and data once a blank line ends it', () => {
    expect(parseAll(['event: node.heartbeat\ndata: {"name":"a"}\n\n'])).toEqual([
      { event: 'node.heartbeat', data: '{"name":"a"}', id: undefined },
    ]);
  });

  it('reassembles events split across chunks at any character', () => {
    const text = 'event: a\ndata: 1\n\nid: 7\nevent: b\ndata: 2\n\n';
    const oneByOne = parseAll([...text]);
    expect(oneByOne).toEqual([
      { event: 'a', data: '1', id: undefined },
      { event: 'b', data: '2', id: '7' },
    ]);
  });

  it('joins multiple data lines with newlines and defaults the type to message', () => {
    expect(parseAll(['data: first\ndata: second\n\n'])).toEqual([
      { event: 'message', data: 'first\nsecond', id: undefined },
    ]);
  });

  it('ignores comments and keep-alives and does not dispatch events without data', () => {
    expect(parseAll([': ping\n\nevent: lonely\n\n'])).toEqual([]);
  });

  it('accepts CRLF and lone CR line endings, even when CRLF is split between chunks', () => {
    expect(parseAll(['event: x\r', '\ndata: 1\r\n\r', '\n', 'data: 2\r\r', ': keep-alive\n'])).toEqual([
      { event: 'x', data: '1', id: undefined },
      { event: 'message', data: '2', id: undefined },
    ]);
  });

  it('does not dispatch an event whose terminating blank line has not arrived', () => {
    expect(parseAll(['event: a\ndata: 1\n'])).toEqual([]);
  });
});
