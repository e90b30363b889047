import type { HttpMethod } from './contract.js';

/** A proxy route a client method calls: the id, method and path it has in the route map. */
export interface ClientRoute {
  readonly routeId: string;
  readonly method: HttpMethod;
  readonly path: string;
}

/** One entry per client method; test/unit/client.test.ts fails when this drifts from routes.config.json. */
export const camundaRoutes = {
  getProcesses: { routeId: 'processes.list', method: 'GET', path: '/api/processes' },
  getProcess: { routeId: 'processes.get', method: 'GET', path: '/api/processes/:key' },
  getStartForm: { routeId: 'processes.form', method: 'GET', path: '/api/processes/:key/form' },
  getProcessXml: { routeId: 'processes.xml', method: 'GET', path: '/api/processes/:key/xml' },
  startProcess: { routeId: 'process.start', method: 'POST', path: '/api/processes/:key/start' },
  getInstances: { routeId: 'instances.list', method: 'GET', path: '/api/instances' },
  getInstance: { routeId: 'instances.get', method: 'GET', path: '/api/instances/:id' },
  getInstanceVariables: { routeId: 'instances.variables', method: 'GET', path: '/api/instances/:id/variables' },
  getInstanceActivities: { routeId: 'instances.activities', method: 'GET', path: '/api/instances/:id/activity-instances' },
  suspendInstance: { routeId: 'instance.suspend', method: 'POST', path: '/api/instances/:id/suspend' },
  activateInstance: { routeId: 'instance.activate', method: 'POST', path: '/api/instances/:id/activate' },
  deleteInstance: { routeId: 'instance.delete', method: 'DELETE', path: '/api/instances/:id' },
  getActivityHistory: { routeId: 'history.activities', method: 'GET', path: '/api/history/activity-instances' },
  getTasks: { routeId: 'tasks.list', method: 'GET', path: '/api/tasks' },
  getTask: { routeId: 'tasks.get', method: 'GET', path: '/api/tasks/:id' },
  getTaskForm: { routeId: 'tasks.form', method: 'GET', path: '/api/tasks/:id/form' },
  completeTask: { routeId: 'task.complete', method: 'POST', path: '/api/tasks/:id/complete' },
  claimTask: { routeId: 'task.claim', method: 'POST', path: '/api/tasks/:id/claim' },
  unclaimTask: { routeId: 'task.unclaim', method: 'POST', path: '/api/tasks/:id/unclaim' },
  // Served by the proxy itself, not by the route map.
  getUser: { routeId: 'user.get', method: 'GET', path: '/api/user' },
  getStatistics: { routeId: 'statistics.get', method: 'GET', path: '/api/statistics' },
  getAuditTrail: { routeId: 'audit.list', method: 'GET', path: '/api/audit' },
  deploy: { routeId: 'deployments.create', method: 'POST', path: '/api/deployments' },
} as const satisfies Record<string, ClientRoute>;

export type CamundaMethodName = keyof typeof camundaRoutes;
