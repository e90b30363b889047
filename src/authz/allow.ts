import type { Principal } from '../auth/principal.js';

/** Who may call a route: any one match is enough. Declared as `allow` in routes.config.json. */
export interface AllowRule {
  readonly roles?: readonly string[];
  readonly permissions?: readonly string[];
  readonly users?: readonly string[];
}

/** On passthrough paths only: which Clerk machines (M2M tokens) may call. */
export interface MachineRule {
  /** Every one must be among the token's scopes. */
  readonly scopes?: readonly string[];
  /** Only these machine ids (`sub`, `mch_…`). */
  readonly ids?: readonly string[];
}

/** Administrators (ADMIN_ROLES) pass every rule: they see and may do everything. */
export function isAllowed(principal: Principal, rule: AllowRule | undefined): boolean {
  if (!rule || principal.isAdmin) return true;
  return (
    (rule.roles ?? []).some((role) => principal.roles.includes(role)) ||
    (rule.permissions ?? []).some((permission) => principal.orgPermissions.includes(permission)) ||
    (rule.users ?? []).includes(principal.id)
  );
}
