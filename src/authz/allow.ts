import type { Principal } from '../auth/principal.js';
import type { AllowRule } from '../config/routeMap.js';

export type { AllowRule, MachineRule } from '../config/routeMap.js';

/** Administrators (ADMIN_ROLES) pass every rule: they see and may do everything. */
export function isAllowed(principal: Principal, rule: AllowRule | undefined): boolean {
  if (!rule || principal.isAdmin) return true;
  return (
    (rule.roles ?? []).some((role) => principal.roles.includes(role)) ||
    (rule.permissions ?? []).some((permission) => principal.orgPermissions.includes(permission)) ||
    (rule.users ?? []).includes(principal.id)
  );
}
