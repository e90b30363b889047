// The package ships no types; only what the worker test uses.
declare module 'camunda-external-task-client-js' {
  export interface ExternalTask {
    id: string;
    processInstanceId: string;
    topicName: string;
    variables: { get(name: string): unknown };
  }
  export interface TaskService {
    complete(task: ExternalTask, processVariables?: Variables, localVariables?: Variables): Promise<void>;
  }
  export type Interceptor = (config: { headers?: Record<string, string> } & Record<string, unknown>) => Record<string, unknown>;
  export class Variables {
    set(name: string, value: unknown): this;
  }
  export class Client {
    constructor(config: {
      baseUrl: string;
      workerId?: string;
      asyncResponseTimeout?: number;
      interval?: number;
      autoPoll?: boolean;
      interceptors?: Interceptor | Interceptor[];
      use?: unknown;
    });
    subscribe(topic: string, handler: (args: { task: ExternalTask; taskService: TaskService }) => Promise<void> | void): { unsubscribe(): void };
    on(event: string, listener: (...args: unknown[]) => void): void;
    start(): void;
    stop(): void;
  }
}
