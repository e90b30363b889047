/** Who is calling, as the proxy understands it. Built from verified session claims only. */
export interface Principal {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly orgId?: string;
  /** Clerk's org role, e.g. `org:admin`. */
  readonly orgRole?: string;
  readonly orgPermissions: readonly string[];
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

export function principalFrom(auth: SessionAuth): Principal {
  const claims = auth.sessionClaims;
  return Object.freeze({
    id: auth.userId,
    email: text(claims.email),
    name: nameFromClaims(claims),
    orgId: auth.orgId ?? undefined,
    orgRole: auth.orgRole ?? undefined,
    orgPermissions: Object.freeze([...(auth.orgPermissions ?? [])]),
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
