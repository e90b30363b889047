import { auditedObjectsOf, type AuditedObjects } from '../audit/auditRecord.js';
import type { Principal } from '../auth/principal.js';
import type { MachinePrincipal } from '../auth/clerkSession.js';
import { isAllowed } from '../authz/allow.js';
import type { PassthroughDefinition } from '../config/routeMap.js';
import { compilePathPattern, matchesPath, type PathPattern } from './pathPattern.js';

export interface PassthroughRule {
  readonly id: string;
  readonly method: string;
  readonly pattern: PathPattern;
  readonly timeoutMs?: number;
  readonly definition: PassthroughDefinition;
  /** The engine objects its path names, for the audit trail. */
  readonly audited: AuditedObjects;
}

export function compilePassthrough(definitions: readonly PassthroughDefinition[]): readonly PassthroughRule[] {
  return definitions.map((definition) => {
    const pattern = compilePathPattern(definition.path);
    return Object.freeze({
      id: definition.id,
      method: definition.method,
      pattern,
      timeoutMs: definition.timeout === undefined ? undefined : Math.round(definition.timeout * 1000),
      definition,
      audited: auditedObjectsOf(pattern.segments),
    });
  });
}

export function findRule(rules: readonly PassthroughRule[], method: string, segments: readonly string[]): PassthroughRule | undefined {
  return rules.find((rule) => rule.method === method && matchesPath(rule.pattern, segments));
}

export type Caller = { kind: 'user'; principal: Principal } | { kind: 'machine'; machine: MachinePrincipal };

/**
 * Users: without `allow`, every signed-in user; with user criteria, any one of them (callers who
 * see everything always); with only `machines`, no user. Machines: only with `machines`, every listed scope, and
 * (if listed) their own id.
 */
export function mayUse(rule: PassthroughRule, caller: Caller): boolean {
  const allow = rule.definition.allow;
  if (caller.kind === 'machine') {
    const machines = allow?.machines;
    if (!machines) return false;
    const scopes = new Set(caller.machine.scopes);
    return (machines.scopes ?? []).every((scope) => scopes.has(scope)) && (!machines.ids || machines.ids.includes(caller.machine.id));
  }
  if (!allow) return true;
  const forUsers = allow.roles !== undefined || allow.permissions !== undefined || allow.users !== undefined;
  // Engine paths are not scoped to an organisation: an organisation's administrator passes only
  // what the rule names them for; only callers who see everything pass every rule.
  const { principal } = caller;
  const scoped = principal.isAdmin && principal.boundary.kind !== 'all' ? { ...principal, isAdmin: false } : principal;
  return forUsers && isAllowed(scoped, allow);
}
