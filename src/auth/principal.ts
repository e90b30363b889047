import type { InstanceOrg } from '../config/env.js';
import type { EngineIdentity } from '../engine/engineIdentity.js';

/** Who is calling, as the proxy understands it. Built from verified session claims only. */
export interface Principal {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly orgId?: string;
  /** Clerk's org role, e.g. `org:admin`. */
  readonly orgRole?: string;
  readonly orgPermissions: readonly string[];
  /** What `allow` rules match: the org role, if any. */
  readonly roles: readonly string[];
  /** Camunda candidate groups: the org role without `org:`, plus the GROUPS_CLAIM values. */
  readonly groups: readonly string[];
  /** Sees and may do everything inside `boundary`: the org role is one of ADMIN_ROLES, or a platform operator. */
  readonly isAdmin: boolean;
  /** Whose work the caller may reach at all (see Boundary). */
  readonly boundary: Boundary;
  /** Raw verified claims, for policies that read custom claims. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  /** The user as the engine identity plugin records them: made once per verified token, sent only with ENGINE_IDENTITY_SECRET. */
  readonly engineIdentity: EngineIdentity;
}

export interface SessionAuth {
  userId: string;
  orgId?: string | null;
  orgRole?: string | null;
  orgPermissions?: string[] | null;
  sessionClaims: Record<string, unknown>;
}

/**
 * Whose work a caller may reach. `all`: every organisation (TENANCY=off, or a PLATFORM_ADMINS
 * operator). `org`: the session's active organisation only; its id is also the engine tenant id.
 * `personal`: a session without an active organisation reaches only what it started or holds.
 */
export type Boundary =
  | { readonly kind: 'all' }
  | { readonly kind: 'org'; readonly orgId: string; readonly instanceOrg: InstanceOrg }
  | { readonly kind: 'personal' };

const everything: Boundary = Object.freeze({ kind: 'all' });
const personal: Boundary = Object.freeze({ kind: 'personal' });

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** Clerk sessions carry email and name only when the session token is customised. */
export function nameFromClaims(claims: Readonly<Record<string, unknown>>): string {
  const full = text(claims.name);
  if (full) return full;
  const given = text(claims.given_name) || text(claims.first_name);
  const family = text(claims.family_name) || text(claims.last_name);
  return [given, family].filter(Boolean).join(' ');
}

export interface AccessRules {
  adminRoles: readonly string[];
  groupsClaim?: string;
  /** Organisations are tenants (TENANCY=on). */
  tenancy?: boolean;
  /** How an instance's organisation is recorded (INSTANCE_ORG); `stamp` when not given. */
  instanceOrg?: InstanceOrg;
  /** User ids of whole-platform operators (PLATFORM_ADMINS). */
  platformAdmins?: readonly string[];
}

function groupsFrom(orgRole: string | undefined, claims: Readonly<Record<string, unknown>>, groupsClaim: string | undefined): string[] {
  const groups = new Set<string>();
  if (orgRole) groups.add(orgRole.replace(/^org:/, ''));
  const extra = groupsClaim ? claims[groupsClaim] : undefined;
  for (const value of Array.isArray(extra) ? extra : [extra]) {
    if (typeof value === 'string' && value.trim()) groups.add(value.trim());
  }
  return [...groups];
}

/**
 * The engine's tenant check limits a user to their tenants and to objects without a tenant, the
 * same line the boundary draws: an organisation's own tenant, none for a personal session, and
 * every tenant for a caller who reaches every organisation.
 */
function engineIdentityFor(userId: string, groups: readonly string[], boundary: Boundary): EngineIdentity {
  const tenants = boundary.kind === 'all' ? 'all' : Object.freeze(boundary.kind === 'org' ? [boundary.orgId] : []);
  return Object.freeze({ userId, groups, tenants });
}

export function principalFrom(auth: SessionAuth, access: AccessRules = { adminRoles: [] }): Principal {
  const claims = auth.sessionClaims;
  const orgId = auth.orgId ?? undefined;
  const orgRole = auth.orgRole ?? undefined;
  const roleIsAdmin = orgRole !== undefined && access.adminRoles.includes(orgRole);
  const platformAdmin = access.platformAdmins?.includes(auth.userId) === true;
  let boundary: Boundary = everything;
  if (access.tenancy && !platformAdmin) boundary = orgId ? Object.freeze({ kind: 'org', orgId, instanceOrg: access.instanceOrg ?? 'stamp' }) : personal;
  // A personal session has no organisation, so no org role and no groups to be a candidate through.
  const groups = Object.freeze(boundary.kind === 'personal' ? [] : groupsFrom(orgRole, claims, access.groupsClaim));
  return Object.freeze({
    id: auth.userId,
    email: text(claims.email),
    name: nameFromClaims(claims),
    orgId,
    orgRole,
    orgPermissions: Object.freeze([...(auth.orgPermissions ?? [])]),
    roles: Object.freeze(orgRole ? [orgRole] : []),
    groups,
    isAdmin: platformAdmin || (roleIsAdmin && boundary.kind !== 'personal'),
    boundary,
    claims,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : 0,
    engineIdentity: engineIdentityFor(auth.userId, groups, boundary),
  });
}

/** The identity stamped on variables, with the documented fallbacks. */
export function withProfile(principal: Principal, profile: { email?: string; name?: string } | undefined): Principal {
  const email = principal.email || profile?.email || '';
  const name = principal.name || profile?.name || email || principal.id;
  if (email === principal.email && name === principal.name) return principal;
  return Object.freeze({ ...principal, email, name });
}

export function hasCompleteProfile(principal: Principal): boolean {
  return principal.email !== '' && principal.name !== '';
}
