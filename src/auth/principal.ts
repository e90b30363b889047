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
  /** The org role is one of ADMIN_ROLES: sees and may do everything. */
  readonly isAdmin: boolean;
  /** Raw verified claims, for policies that read custom claims. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

export interface SessionAuth {
  userId: string;
  orgId?: string | null;
  orgRole?: string | null;
  orgPermissions?: string[] | null;
  sessionClaims: Record<string, unknown>;
}

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

export function principalFrom(auth: SessionAuth, access: AccessRules = { adminRoles: [] }): Principal {
  const claims = auth.sessionClaims;
  const orgRole = auth.orgRole ?? undefined;
  return Object.freeze({
    id: auth.userId,
    email: text(claims.email),
    name: nameFromClaims(claims),
    orgId: auth.orgId ?? undefined,
    orgRole,
    orgPermissions: Object.freeze([...(auth.orgPermissions ?? [])]),
    roles: Object.freeze(orgRole ? [orgRole] : []),
    groups: Object.freeze(groupsFrom(orgRole, claims, access.groupsClaim)),
    isAdmin: orgRole !== undefined && access.adminRoles.includes(orgRole),
    claims,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : 0,
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
