import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** One request as the engine's socket carried it, parsed by this stand-in itself. */
export interface WireRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: Buffer;
  framing: 'none' | 'content-length' | 'chunked';
}

/** Everything one engine connection carried. */
export interface WireConnection {
  received: Buffer;
  requests: WireRequest[];
  /** Bytes that are not (yet) a whole request: must be empty once the proxy is done. */
  pending(): Buffer;
  /** Set when the bytes could not be parsed as HTTP/1.1 at all. */
  error?: string;
}

export interface WireAnswer {
  status: number;
  body?: unknown;
}

export interface WireEngine {
  url: string;
  connections: WireConnection[];
  /** Every request, in the order they arrived, on any connection. */
  requests: WireRequest[];
  stop(): Promise<void>;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type Parsed = { request: WireRequest; used: number } | { incomplete: true } | { error: string };

/** A strict HTTP/1.1 request parser: anything that is not exactly one framed request is reported. */
function parseOne(buffer: Buffer): Parsed {
  const headEnd = buffer.indexOf(HEAD_END);
  if (headEnd === -1) return buffer.length > 64 * 1024 ? { error: 'header section too long' } : { incomplete: true };
  const [requestLine, ...headerLines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
  const match = /^([A-Z]+) (\S+) HTTP\/1\.1$/.exec(requestLine ?? '');
  if (!match) return { error: `not a request line: ${JSON.stringify(requestLine)}` };
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { error: `not a header line: ${JSON.stringify(line)}` };
    const name = line.slice(0, colon).toLowerCase();
    if (name in headers) return { error: `header ${name} sent twice` };
    headers[name] = line.slice(colon + 1).trim();
  }
  const start = headEnd + HEAD_END.length;
  const base = { method: match[1]!, target: match[2]!, headers };
  if (headers['transfer-encoding'] !== undefined && headers['content-length'] !== undefined) return { error: 'both Transfer-Encoding and Content-Length' };
  if (headers['transfer-encoding'] !== undefined) {
    if (headers['transfer-encoding'] !== 'chunked') return { error: `transfer-encoding ${headers['transfer-encoding']}` };
    const chunks: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = buffer.indexOf(CRLF, at);
      if (lineEnd === -1) return { incomplete: true };
      const size = Number.parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
      if (!Number.isFinite(size)) return { error: 'bad chunk size' };
      const dataStart = lineEnd + 2;
      if (buffer.length < dataStart + size + 2) return { incomplete: true };
      if (size === 0) return { request: { ...base, body: Buffer.concat(chunks), framing: 'chunked' }, used: dataStart + 2 };
      chunks.push(buffer.subarray(dataStart, dataStart + size));
      at = dataStart + size + 2;
    }
  }
  if (headers['content-length'] !== undefined) {
    if (!/^\d+$/.test(headers['content-length'])) return { error: 'bad content-length' };
    const length = Number(headers['content-length']);
    if (buffer.length < start + length) return { incomplete: true };
    return { request: { ...base, body: Buffer.from(buffer.subarray(start, start + length)), framing: 'content-length' }, used: start + length };
  }
  return { request: { ...base, body: Buffer.alloc(0), framing: 'none' }, used: start };
}

/**
 * A stand-in engine on a raw TCP server: it records every byte each connection carries and parses
 * the requests itself, so a test sees exactly what reached the engine socket, framing included,
 * including bytes that a real engine would have read as a second, unframed request.
 */
export async function startWireEngine(answer: (request: WireRequest) => WireAnswer): Promise<WireEngine> {
  const connections: WireConnection[] = [];
  const requests: WireRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    const connection: WireConnection = { received: Buffer.alloc(0), requests: [], pending: () => buffered };
    connections.push(connection);
    socket.on('data', (chunk: Buffer) => {
      connection.received = Buffer.concat([connection.received, chunk]);
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const parsed = parseOne(buffered);
        if ('incomplete' in parsed) return;
        if ('error' in parsed) {
          connection.error = parsed.error;
          socket.destroy();
          return;
        }
        buffered = buffered.subarray(parsed.used);
        connection.requests.push(parsed.request);
        requests.push(parsed.request);
        const { status, body } = answer(parsed.request);
        const payload = body === undefined ? '' : JSON.stringify(body);
        socket.write(
          `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\nconnection: keep-alive\r\n\r\n${payload}`,
        );
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/engine-rest`,
    connections,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
