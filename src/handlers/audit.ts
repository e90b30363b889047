import type { Request, RequestHandler } from 'express';
import { signedInUser } from '../auth/clerkSession.js';
import { badRequest, forbidden, ProxyError } from '../http/errors.js';
import { contextOf } from '../http/requestContext.js';
import type { AuditQuery, AuditStore } from '../audit/auditStore.js';

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 500;

const filters = new Set(['objectId', 'userId', 'from', 'to', 'firstResult', 'maxResults']);

function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 256) throw badRequest(`query parameter '${name}' must be given once, as a non-empty value`);
  return value;
}

function timeOf(req: Request, name: string): Date | undefined {
  const text = single(req, name);
  if (text === undefined) return undefined;
  // ISO-8601 with a date and a time, and an offset or Z: nothing Date.parse would guess at.
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text) ? new Date(text) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw badRequest(`query parameter '${name}' must be an ISO-8601 time with an offset, e.g. 2026-12-06T10:00:00Z`);
  return time;
}

function countOf(req: Request, name: string, fallback: number, min: number, max: number): number {
  const text = single(req, name);
  if (text === undefined) return fallback;
  const count = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(count >= min && count <= max)) throw badRequest(`query parameter '${name}' must be a whole number from ${min} to ${max}`);
  return count;
}

/** The client's filters, checked; the organisation is never the client's to choose. */
export function auditQueryOf(req: Request): Omit<AuditQuery, 'orgId'> {
  for (const name of Object.keys(req.query)) {
    if (!filters.has(name)) throw badRequest(`unknown query parameter '${name.slice(0, 64)}'; the audit trail is filtered by ${[...filters].join(', ')}`);
  }
  const objectId = single(req, 'objectId');
  const userId = single(req, 'userId');
  const from = timeOf(req, 'from');
  const to = timeOf(req, 'to');
  return {
    ...(objectId !== undefined && { objectId }),
    ...(userId !== undefined && { userId }),
    ...(from && { from }),
    ...(to && { to }),
    firstResult: countOf(req, 'firstResult', 0, 0, 1_000_000_000),
    maxResults: countOf(req, 'maxResults', AUDIT_PAGE_DEFAULT, 1, AUDIT_PAGE_MAX),
  };
}

/**
 * GET /api/audit: an organisation's administrators read their organisation's records, platform
 * operators (and administrators with TENANCY=off) every record; nobody else reads any.
 */
export function auditRoute(store: AuditStore): RequestHandler {
  return async (req, res) => {
    contextOf(res).routeId = 'audit.list';
    const principal = signedInUser(res);
    if (!principal.isAdmin) throw forbidden('only administrators may read the audit trail');
    const { boundary } = principal;
    if (boundary.kind === 'personal') throw forbidden('select an organisation to read its audit trail');
    const query: AuditQuery = { ...auditQueryOf(req), ...(boundary.kind === 'org' && { orgId: boundary.orgId }) };
    let records;
    try {
      records = await store.find(query);
    } catch {
      throw new ProxyError(503, 'audit_unavailable', 'the audit database does not answer; records made meanwhile are queued, try again shortly');
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(records);
  };
}
