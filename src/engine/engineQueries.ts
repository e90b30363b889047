import { callEngine, type EngineCaller, type EngineConnection } from './engineConnection.js';
import { engineFailure, normaliseEngineError, parseEngineError } from './engineErrors.js';
import type { EngineIdentity } from './engineIdentity.js';

/** The proxy's own questions to the engine, asked before it lets a user act. */
export interface EngineQueries {
  /** The task, if it matches `criteria` (a POST /task query body): one question, no check-then-act. */
  findTask(taskId: string, criteria: Record<string, unknown>): Promise<EngineTask | undefined>;
  /** The running instance, if it matches `criteria` (a POST /process-instance query body). */
  findInstance(instanceId: string, criteria: Record<string, unknown>): Promise<Record<string, unknown> | undefined>;
  countTasks(filter: Record<string, unknown>): Promise<number>;
  countInstances(filter: Record<string, unknown>): Promise<number>;
  countExternalTasks(filter: Record<string, unknown>): Promise<number>;
  /** Running and ended instances (the engine's history). */
  countHistoricInstances(filter: Record<string, unknown>): Promise<number>;
  /** GET /process-definition/count with this query string (without `?`). */
  countDefinitions(query: string): Promise<number>;
}

export interface EngineTask {
  id: string;
  assignee: string | null;
  processInstanceId: string | null;
}

/**
 * `caller`: the request the questions are asked for; `actingAs`: its signed-in user (see engineIdentity.ts).
 * Made for every planned call, asked on few (a plain list asks nothing): one small object, its
 * methods shared on the prototype rather than seven closures per request.
 */
export function createEngineQueries(connection: EngineConnection, caller: EngineCaller, actingAs?: EngineIdentity): EngineQueries {
  return new RequestEngineQueries(connection, caller, actingAs);
}

class RequestEngineQueries implements EngineQueries {
  constructor(
    private readonly connection: EngineConnection,
    private readonly caller: EngineCaller,
    private readonly actingAs: EngineIdentity | undefined,
  ) {}

  private async ask<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json?: T }> {
    let answer;
    try {
      answer = await callEngine(this.connection, method, path, { body, caller: this.caller, actingAs: this.actingAs });
    } catch (error) {
      throw engineFailure(error);
    }
    if (answer.status >= 400 && answer.status !== 404) throw normaliseEngineError(answer.status, parseEngineError(answer.body));
    return { status: answer.status, json: answer.body ? (JSON.parse(answer.body) as T) : undefined };
  }

  async findTask(taskId: string, criteria: Record<string, unknown>): Promise<EngineTask | undefined> {
    const { json } = await this.ask<EngineTask[]>('POST', '/task?maxResults=1', { ...criteria, taskId });
    return json?.[0];
  }

  async findInstance(instanceId: string, criteria: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const { json } = await this.ask<Record<string, unknown>[]>('POST', '/process-instance?maxResults=1', { ...criteria, processInstanceIds: [instanceId] });
    return json?.[0];
  }

  async countDefinitions(query: string): Promise<number> {
    return (await this.ask<{ count: number }>('GET', `/process-definition/count?${query}`)).json?.count ?? 0;
  }

  async countTasks(filter: Record<string, unknown>): Promise<number> {
    return (await this.ask<{ count: number }>('POST', '/task/count', filter)).json?.count ?? 0;
  }

  async countExternalTasks(filter: Record<string, unknown>): Promise<number> {
    return (await this.ask<{ count: number }>('POST', '/external-task/count', filter)).json?.count ?? 0;
  }

  async countInstances(filter: Record<string, unknown>): Promise<number> {
    return (await this.ask<{ count: number }>('POST', '/process-instance/count', filter)).json?.count ?? 0;
  }

  async countHistoricInstances(filter: Record<string, unknown>): Promise<number> {
    return (await this.ask<{ count: number }>('POST', '/history/process-instance/count', filter)).json?.count ?? 0;
  }
}
