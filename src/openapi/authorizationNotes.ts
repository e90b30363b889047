import type { AllowRule } from '../authz/allow.js';
import type { PolicyName } from '../authz/policies/index.js';
import type { RouteDefinition, RouteMap } from '../config/routeMap.js';

interface PolicyNote {
  rule: string;
  /** The policy answers 403 (others hide what the caller may not see behind 404). */
  forbids: boolean;
}

const policyNotes: Readonly<Record<PolicyName, PolicyNote>> = {
  task: { rule: 'the assignee, a candidate of an unassigned task, or an administrator; anyone else gets 404, as for a task that does not exist', forbids: false },
  taskComplete: { rule: 'as `task`; a candidate completing an unassigned task claims it first, so the history records who held it', forbids: false },
  taskClaim: { rule: 'for yourself only (another `userId` is 403), and only a task you could work on', forbids: true },
  taskUnclaim: { rule: 'only the assignee or an administrator; anyone else gets 403', forbids: true },
  taskList: { rule: 'non-administrators see tasks assigned to them or unassigned tasks they are a candidate for, ANDed with their filters; `processVariables`/`taskVariables` filters are refused (400)', forbids: false },
  instance: { rule: 'the initiator, anyone holding or eligible for one of its tasks, or an administrator; anyone else gets 404', forbids: false },
  instanceList: { rule: 'non-administrators see the instances they started', forbids: false },
  instanceInitiator: { rule: 'the initiator or an administrator; someone who may see the instance but did not start it gets 403, anyone else 404', forbids: true },
  instanceHistory: { rule: '`processInstanceId` is required, once; whoever may see that instance (its initiator also after it ended); anyone else gets 404', forbids: false },
  processStart: { rule: "open, unless the route map's `processes` section limits the key; starts the organisation's own definition of the key when it has one, else the shared one", forbids: true },
  processList: { rule: "the caller's organisation's own definitions and the shared ones (deployed without a tenant); never another organisation's", forbids: false },
  processDefinition: { rule: "the organisation's own definition of the key when it has one, else the shared one; another organisation's answers 404 like an unknown key", forbids: false },
};

const noteOf = (policy: string): PolicyNote | undefined => policyNotes[policy as PolicyName];

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
    lines.push(`**policy** \`${route.policy}\`: ${noteOf(route.policy)?.rule ?? 'a named resource rule'}.${keys}`);
  }
  if (lines.length === 0) lines.push('Open to every signed-in user (no `allow`, no `policy`).');
  return lines;
}

export const mayForbid = (route: RouteDefinition): boolean => route.allow !== undefined || (route.policy !== undefined && noteOf(route.policy)?.forbids === true);
