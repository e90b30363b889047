import { readFileSync } from 'node:fs';
import { EngineError, normaliseEngineError, parseEngineError, type EngineErrorBody } from '../../src/engine/engineErrors.js';
import type { ErrorCode } from '../../src/http/errors.js';

interface RecordedAnswer {
  case: string;
  method: string;
  path: string;
  status: number;
  type?: string;
  message?: string;
}

type Expected = [status: number, error: ErrorCode];
const notFound: Expected = [404, 'not_found'];
const conflict: Expected = [409, 'conflict'];
const invalid: Expected = [400, 'invalid_request'];
const engineError: Expected = [502, 'engine_error'];

const normalised = (status: number, body: EngineErrorBody): EngineError => {
  const error = normaliseEngineError(status, body);
  expect(error).toBeInstanceOf(EngineError);
  return error;
};

/**
 * What Camunda 7.24 engine-rest really answers (test/engine/engine-answers.json, recorded by
 * test/engine/probe.ts) and what the proxy must make of it. The engine's message stays in `detail`.
 */
const realAnswers: readonly [string, number, string, string, Expected][] = [
  ['unknown process key', 404, 'RestException', 'No matching process definition with key: nope and no tenant-id', notFound],
  ['unknown process instance', 404, 'InvalidRequestException', 'Process instance with id nope does not exist', notFound],
  ['variables of unknown instance', 500, 'NullValueException', "execution nope doesn't exist: execution is null", notFound],
  ['variables of unknown task', 500, 'NullValueException', "task nope doesn't exist: task is null", notFound],
  [
    'one variable of unknown instance',
    500,
    'RestException',
    "Cannot get process instance variable x: execution nope doesn't exist: execution is null",
    notFound,
  ],
  ['form-variables of unknown task', 400, 'BadUserRequestException', "Cannot find task with id 'nope'.: task is null", notFound],
  ['complete unknown task', 500, 'RestException', 'Cannot complete task nope: Cannot find task with id nope: task is null', notFound],
  ['submit-form unknown task', 500, 'RestException', 'Cannot submit task form nope: Cannot find task with id nope: task is null', notFound],
  ['claim unknown task', 500, 'NullValueException', 'Cannot find task with id nope: task is null', notFound],
  ['unclaim unknown task', 400, 'NotFoundException', 'Cannot find task with id nope: task is null', notFound],
  ['set assignee of unknown task', 400, 'NotFoundException', 'Cannot find task with id nope: task is null', notFound],
  ['claim a task claimed by someone else', 500, 'TaskAlreadyClaimedException', "Task 'x' is already claimed by someone else.", conflict],
  [
    'start with an Integer above 2^31-1',
    400,
    'InvalidRequestException',
    "Cannot instantiate process definition d: Cannot convert value '2147483648' of type 'Integer' to java type java.lang.Integer",
    invalid,
  ],
  [
    'order without initiator',
    500,
    'RestException',
    "Cannot instantiate process definition order:1:x: Unknown property used in expression: ${initiator}. Cause: Cannot resolve identifier 'initiator'",
    invalid,
  ],
];

describe('normaliseEngineError: the engine answers seen against Camunda 7.24', () => {
  it.each(realAnswers)('%s (%i %s) keeps the engine message', (_case, status, type, message, [expectedStatus, expectedError]) => {
    const error = normalised(status, { type, message });
    expect(error.status).toBe(expectedStatus);
    expect(error.error).toBe(expectedError);
    expect(error.detail).toContain(message);
  });

  it('answers 502 engine_unavailable for a 401, blaming the service credentials, not the caller', () => {
    const error = normalised(401, {});
    expect(error.status).toBe(502);
    expect(error.error).toBe('engine_unavailable');
    expect(error.detail).toMatch(/credentials/i);
    expect(error.detail).toContain('ENGINE_USER');
  });

  it('answers 502 engine_error for an unexpected 500 and names the engine exception type', () => {
    const error = normalised(500, { type: 'ProcessEngineException', message: 'something broke' });
    expect(error.status).toBe(502);
    expect(error.error).toBe('engine_error');
    expect(error.detail).toContain('500');
    expect(error.detail).toContain('ProcessEngineException');
    expect(error.detail).toContain('something broke');
  });

  it('answers 502 with the text of a non-JSON 503 body in detail', () => {
    const error = normalised(503, parseEngineError('Service Temporarily Unavailable'));
    expect(error.status).toBe(502);
    expect(error.error).toBe('engine_error');
    expect(error.detail).toContain('503');
    expect(error.detail).toContain('Service Temporarily Unavailable');
  });

  it.each<[number, EngineErrorBody, Expected]>([
    [403, { type: 'AuthorizationException', message: "The user with id 'demo' does not have 'CREATE' permission" }, [403, 'forbidden']],
    [409, { type: 'OptimisticLockingException', message: 'ENGINE-03005 Execution of UPDATE failed' }, conflict],
    [413, { message: 'too large' }, [413, 'payload_too_large']],
    [415, { message: 'Unsupported Media Type' }, [415, 'unsupported_media_type']],
    [400, { type: 'InvalidRequestException', message: "Unsupported value type 'Foo'" }, invalid],
    [405, { message: 'Method Not Allowed' }, invalid],
    [422, { message: 'Unprocessable' }, invalid],
    [500, { type: 'ProcessEngineException', message: 'boom' }, engineError],
    [502, { message: 'Bad Gateway' }, engineError],
  ])('maps an engine %i onto the proxy envelope and keeps the message', (status, body, [expectedStatus, expectedError]) => {
    const error = normalised(status, body);
    expect(error.status).toBe(expectedStatus);
    expect(error.error).toBe(expectedError);
    expect(error.detail).toContain(body.message!);
  });

  it.each<[number, Expected]>([
    [404, notFound],
    [403, [403, 'forbidden']],
    [409, conflict],
    [415, [415, 'unsupported_media_type']],
    [400, invalid],
    [500, engineError],
  ])('still gives a non-empty detail for a bare %i without a body', (status, [expectedStatus, expectedError]) => {
    const error = normalised(status, {});
    expect(error.status).toBe(expectedStatus);
    expect(error.error).toBe(expectedError);
    expect(error.detail.length).toBeGreaterThan(0);
  });

  it.each<[string, number, EngineErrorBody]>([
    ['a 500 about a missing task of another kind', 500, { type: 'RestException', message: 'Cannot find process definition 42' }],
    ['a 400 NotFoundException about something other than a task', 400, { type: 'NotFoundException', message: 'Cannot find deployment d' }],
    ['a 500 NullValueException not about execution or task', 500, { type: 'NullValueException', message: 'value is null' }],
  ])('does not call %s a 404', (_label, status, body) => {
    expect(normalised(status, body).status).not.toBe(404);
  });
});

// One recording per engine the contract suite runs on (test/engine/probe.ts --write, with ENGINE_FLAVOUR).
const recordings = [
  ['Camunda 7.24', 'test/engine/engine-answers.json'],
  ['Operaton 1.0.3', 'test/engine/operaton/engine-answers.json'],
] as const;

const recordedFailures = (file: string): RecordedAnswer[] =>
  (JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as { answers: RecordedAnswer[] }).answers.filter(
    (answer) => answer.status >= 400,
  );

describe.each(recordings)('normaliseEngineError: every recorded %s answer in %s', (_engine, file) => {
  // Each recorded failure and the proxy status it must become; a new recording without an entry here fails.
  const expectations: Record<string, Expected> = {
    'jsonCheck with the same JSON text typed String': engineError,
    'jsonCheck with an untyped object value': engineError,
    'jsonCheck with Json text that is not JSON': engineError,
    // A variable the model reads is missing from the start: the caller's input.
    'jsonCheck without the order variable': invalid,
    'order without initiator': invalid,
    'Date 2026-01-02T03:04:05.000Z': invalid,
    'Date 2026-01-02T03:04:05.000+00:00': invalid,
    'Date 2026-01-02T03:04:05+0000 (no millis)': invalid,
    'Integer 2147483648': invalid,
    'Integer 1.5': invalid,
    'Json with an object value': invalid,
    'unknown type Foo': invalid,
    'Boolean "yes"': invalid,
    'unknown process key': notFound,
    'start unknown process key': notFound,
    'start form variables of unknown key': notFound,
    'unknown process definition id': notFound,
    'unknown process instance': notFound,
    'variables of unknown instance': notFound,
    'one variable of unknown instance': notFound,
    'delete unknown instance': notFound,
    'unknown task': notFound,
    'form-variables of unknown task': notFound,
    'variables of unknown task': notFound,
    'complete unknown task': notFound,
    'submit-form unknown task': notFound,
    'claim unknown task': notFound,
    'unclaim unknown task': notFound,
    'set assignee of unknown task': notFound,
    'complete unknown external task': notFound,
    'claim a task claimed by someone else': conflict,
    'complete a task with an Integer above 2^31-1': invalid,
  };

  // The recording is committed (test/engine/probe.ts --write); a missing file is a failure, not a skip.
  const recorded = recordedFailures(file);

  it('has recorded engine failures to check', () => {
    expect(recorded.length).toBeGreaterThan(20);
  });

  it('has an expectation for every recorded failure', () => {
    expect(recorded.map((answer) => answer.case).filter((name) => !(name in expectations))).toEqual([]);
  });

  it.each(recorded.map((answer) => [answer.case, answer] as const))('%s', (name, answer) => {
    const expected = expectations[name];
    expect(expected).toBeDefined();
    const [expectedStatus, expectedError] = expected!;
    // The recording is what engine-rest sent on the wire: run it through the parser first.
    const body = parseEngineError(JSON.stringify({ type: answer.type, message: answer.message, code: null }));
    const error = normalised(answer.status, body);
    expect([error.status, error.error]).toEqual([expectedStatus, expectedError]);
    expect(error.detail).toContain(answer.message);
  });
});

describe('the recorded engine answers of Camunda 7.24 and Operaton 1.0.3', () => {
  // The proxy's error mapping reads status, type and message; the two engines send the same ones.
  it('are the same failures, with the same status, type and message, case by case', () => {
    const [camunda, operaton] = recordings.map(([, file]) => recordedFailures(file));
    expect(camunda!.length).toBeGreaterThan(20);
    expect(operaton).toEqual(camunda);
  });
});

describe('parseEngineError', () => {
  it('reads the engine JSON error body', () => {
    const raw = '{"type":"RestException","message":"No matching process definition with key: nope and no tenant-id","code":null}';
    expect(parseEngineError(raw)).toEqual({
      type: 'RestException',
      message: 'No matching process definition with key: nope and no tenant-id',
      code: null,
    });
  });

  it.each([
    ['plain text', 'Service Unavailable'],
    ['truncated JSON', '{"type":"RestException","mess'],
  ])('keeps %s as the message', (_label, raw) => {
    expect(parseEngineError(raw)).toEqual({ message: raw });
  });

  it.each([
    ['a JSON string', '"oops"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
  ])('keeps %s (JSON, but not an object) as the message text', (_label, raw) => {
    expect(parseEngineError(raw)).toEqual({ message: raw });
  });

  it.each([
    [
      "Tomcat's page for an encoded / in a path (GET /task/abc%2Fdef on the real engine)",
      '<!doctype html><html lang="en"><head><title>HTTP Status 400 – Bad Request</title><style type="text/css">body {font-family:Tahoma,Arial,sans-serif;} h1 {font-size:22px;}</style></head><body><h1>HTTP Status 400 – Bad Request</h1></body></html>',
      "the engine's web server answered with an error page: HTTP Status 400 – Bad Request",
    ],
    ['a gateway page with only a heading', '<html><body><h1>502 Bad\n  Gateway</h1></body></html>', "the engine's web server answered with an error page: 502 Bad Gateway"],
    ['a page with no heading', '<HTML><body><p>oops</p></body></HTML>', "the engine's web server answered with an error page"],
  ])('turns %s into its heading, never markup', (_label, raw, message) => {
    expect(parseEngineError(raw)).toEqual({ message });
    expect(normalised(400, parseEngineError(raw)).detail).toBe(message);
  });

  it('trims a long non-JSON body to 500 characters', () => {
    const raw = 'x'.repeat(499) + 'yz' + 'w'.repeat(5000);
    const parsed = parseEngineError(raw);
    expect(parsed.message).toHaveLength(500);
    expect(parsed.message).toBe(raw.slice(0, 500));
  });

  it('gives an empty message for an empty body, which normalise still turns into a useful detail', () => {
    const parsed = parseEngineError('');
    expect(parsed.message ?? '').toBe('');
    expect(normalised(500, parsed).detail).toContain('500');
  });
});

describe('normaliseEngineError: the losers of a concurrent completion', () => {
  it.each([
    ['OptimisticLockingException', 'ENGINE-03005 Execution of \'UPDATE ExecutionEntity[x]\' failed. Entity was updated by another transaction concurrently.'],
    ['RestException', 'Cannot complete task t: Cannot restore state of process instance p: list of executions is empty'],
    ['NullPointerException', 'Cannot invoke "org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity.removeTask(org.camunda.bpm.engine.impl.persistence.entity.TaskEntity)" because "execution" is null'],
    // Operaton 1.0.3's name for the same variable (seen in the contract suite's concurrent completion).
    ['NullPointerException', 'Cannot invoke "org.operaton.bpm.engine.impl.persistence.entity.ExecutionEntity.removeTask(org.operaton.bpm.engine.impl.persistence.entity.TaskEntity)" because "exec" is null'],
  ])('500 %s is a 409 conflict keeping the message', (type, message) => {
    const error = normaliseEngineError(500, { type, message });
    expect([error.status, error.error, error.detail]).toEqual([409, 'conflict', message]);
  });

  it('another NullPointerException stays a 502', () => {
    expect(normaliseEngineError(500, { type: 'NullPointerException', message: 'Cannot invoke "x.y()" because "z" is null' }).status).toBe(502);
  });
});
