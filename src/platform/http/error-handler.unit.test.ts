import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import { clientErrorHandler, sendFrameworkError } from './error-handler.js';

/** A socket that keeps what was written to it. */
function fakeSocket(destroyed = false) {
  const written: string[] = [];
  const socket = { destroyed, end: (data: string) => written.push(data) } as unknown as Socket;
  return { socket, written };
}

/** Splits a raw HTTP answer into its status line, headers and parsed body. */
function parse(raw: string) {
  const [head, body] = raw.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => line.split(': ').map((part, i) => (i ? part : part.toLowerCase()))),
  );
  return { statusLine, headers, body, json: JSON.parse(body) };
}

const errorOf = (code?: string) => Object.assign(new Error('parser'), code ? { code } : {});

describe('clientErrorHandler', () => {
  it('answers oversized headers with 431 in the API error shape, and closes', () => {
    const { socket, written } = fakeSocket();
    clientErrorHandler(errorOf('HPE_HEADER_OVERFLOW'), socket);
    const answer = parse(written[0]);
    expect(answer.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.headers).toMatchObject({ 'content-type': 'application/json', connection: 'close' });
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
    expect(answer.json).toEqual({
      error: {
        code: 'request_header_fields_too_large',
        domain: 'http',
        message: 'The request headers are too large',
        details: { info: null },
        context: {},
        data: [],
      },
    });
  });

  it('answers a request that never finished with 408', () => {
    const { socket, written } = fakeSocket();
    clientErrorHandler(errorOf('ERR_HTTP_REQUEST_TIMEOUT'), socket);
    expect(parse(written[0]).statusLine).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('answers any other parser error, or one without a code, with 400', () => {
    for (const code of [undefined, 'HPE_INVALID_METHOD', 'HPE_INVALID_HEADER_TOKEN', 'ERR_SOMETHING_NEW']) {
      const { socket, written } = fakeSocket();
      clientErrorHandler(errorOf(code), socket);
      const answer = parse(written[0]);
      expect(answer.statusLine, String(code)).toBe('HTTP/1.1 400 Bad Request');
      expect(answer.json.error.code).toBe('bad_request');
    }
  });

  it('writes nothing to a reset or destroyed socket', () => {
    const reset = fakeSocket();
    clientErrorHandler(errorOf('ECONNRESET'), reset.socket);
    const destroyed = fakeSocket(true);
    clientErrorHandler(errorOf('HPE_HEADER_OVERFLOW'), destroyed.socket);
    expect([...reset.written, ...destroyed.written]).toEqual([]);
  });
});

/** A reply that records its status and payload. */
function fakeReply() {
  const sent: { status?: number; type?: string; payload?: unknown } = {};
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    type(value: string) {
      sent.type = value;
      return reply;
    },
    send(payload: unknown) {
      sent.payload = payload;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

describe('sendFrameworkError', () => {
  const frameworkError = (statusCode: number | undefined, code = 'FST_ERR_BAD_URL') =>
    Object.assign(new Error('raw'), { statusCode, code }) as FastifyError;

  it('names an over-long URL 414 and an over-long path parameter by what it is', () => {
    const { reply, sent } = fakeReply();
    sendFrameworkError(reply, frameworkError(414, 'FST_ERR_MAX_PARAM_LENGTH'));
    expect(sent.status).toBe(414);
    expect(sent.payload).toMatchObject({
      error: { code: 'uri_too_long', domain: 'http', message: 'A path parameter is too long', data: [] },
    });
  });

  it('keeps a 4xx but never passes on a 5xx or a missing status: those become 400', () => {
    for (const [status, expected] of [
      [404, 404],
      [400, 400],
      [500, 400],
      [undefined, 400],
    ] as const) {
      const { reply, sent } = fakeReply();
      sendFrameworkError(reply, frameworkError(status));
      expect(sent.status, String(status)).toBe(expected);
      expect(sent.payload).toMatchObject({ error: { code: 'bad_request', message: 'The request URL is not valid' } });
    }
  });
});
