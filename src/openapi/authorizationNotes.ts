import type { AllowRule } from '../authz/allow.js';
import { policies } from '../authz/policies/index.js';
import { stageNamed, type RouteDefinition, type RouteMap } from '../config/routeMap.js';

/** User ids are counted, not listed: the document is public. */
function describeAllow(rule: AllowRule): string {
  const parts = [
    rule.roles?.length ? `roles ${rule.roles.map((r) => `\`${r}\``).join(', ')}` : '',
    rule.permissions?.length ? `permissions ${rule.permissions.map((p) => `\`${p}\``).join(', ')}` : '',
    rule.users?.length ? `${rule.users.length} named user${rule.users.length === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return `**allow**: ${parts.join('; ')} (any one is enough; administrators always may).`;
}

export function describeAuthorization(route: RouteDefinition, processes: RouteMap['processes']): string[] {
  const lines: string[] = [];
  if (route.allow) lines.push(describeAllow(route.allow));
  if (route.policy) {
    const limited = route.policy === 'processStart' ? Object.keys(processes).filter((key) => processes[key]?.start) : [];
    const keys = limited.length ? ` Limited keys: ${limited.map((k) => `\`${k}\``).join(', ')}.` : '';
    lines.push(`**policy** \`${route.policy}\`: ${stageNamed(policies, route.policy).note}.${keys}`);
  }
  if (lines.length === 0) lines.push('Open to every signed-in user (no `allow`, no `policy`).');
  return lines;
}

export const mayForbid = (route: RouteDefinition): boolean => route.allow !== undefined || (route.policy !== undefined && stageNamed(policies, route.policy).forbids === true);
