import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { contextOf } from './requestContext.js';

// Echoed into logs and headers, so only a conservative alphabet is taken from the client.
const saneRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the client's X-Request-Id if it is sane, or makes one; echoes it back. */
export const assignRequestId: RequestHandler = (req, res, next) => {
  const offered = req.headers['x-request-id'];
  const requestId = typeof offered === 'string' && saneRequestId.test(offered) ? offered : randomUUID();
  contextOf(res).requestId = requestId;
  res.setHeader('X-Request-Id', requestId);
  next();
};
