/**
 * Variables round-trip through the proxy into the real engine and back: the engine type each value
 * is stored as, and what a client reads back through GET /api/instances/:id/variables.
 */
import request from 'supertest';
import {
  engineDirect,
  expectEnvelope,
  historicInstancesByBusinessKey,
  startContractProxy,
  tasksOfInstance,
  testUsers,
  uniqueKey,
  type ContractProxy,
  onEngine,
} from '../support/contractHarness.js';

let h: ContractProxy;
beforeAll(() => {
  h = startContractProxy();
});
afterAll(() => h.close());

interface EngineVariable {
  type: string;
  value: unknown;
  valueInfo: Record<string, unknown>;
}

/** Starts leaveRequest (which needs nothing but the initiator) with these variables. */
/** Starts leaveRequest with a body sent as written: JSON.parse must not round its numbers first. */
function startRawLeave(json: string): request.Test {
  return request(h.app).post('/api/processes/leaveRequest/start').set('Authorization', h.bearer()).set('Content-Type', 'application/json').send(json);
}

async function startLeave(variables: Record<string, unknown>, businessKey = uniqueKey('vars')): Promise<request.Response> {
  return request(h.app).post('/api/processes/leaveRequest/start').set('Authorization', h.bearer()).send({ businessKey, variables });
}

async function variablesOf(instanceId: string): Promise<Record<string, EngineVariable>> {
  const res = await request(h.app).get(`/api/instances/${instanceId}/variables`).set('Authorization', h.bearer());
  expect(res.status).toBe(200);
  return res.body as Record<string, EngineVariable>;
}

async function startAndRead(variables: Record<string, unknown>): Promise<Record<string, EngineVariable>> {
  const started = await startLeave(variables);
  expect({ status: started.status, body: started.body }).toEqual({ status: 201, body: expect.objectContaining({ id: expect.any(String) }) });
  return variablesOf(started.body.id);
}

type RoundTripRow = [name: string, sent: unknown, type: string, readBack: unknown];

/**
 * Starts one instance with every row's variable, reads the variables back through the proxy, and
 * checks each row's engine type and value. Returns the read variables for further checks.
 */
function roundTrip(matrix: RoundTripRow[]): Record<string, EngineVariable> {
  const read: Record<string, EngineVariable> = {};
  beforeAll(async () => {
    Object.assign(read, await startAndRead(Object.fromEntries(matrix.map(([name, sent]) => [name, sent]))));
  });

  it.each(matrix)('%s: %j is stored as %s', (name, _sent, type, readBack) => {
    const variable = read[name];
    expect(variable?.type).toBe(type);
    if (type === 'Json') {
      // Read back as the JSON text, not as the engine's Spin node (deserializeValues=false).
      expect(typeof variable!.value).toBe('string');
      expect(JSON.parse(variable!.value as string)).toEqual(readBack);
    } else {
      expect(variable!.value).toEqual(readBack);
    }
  });
  return read;
}

describe(onEngine('plain values: typed by the proxy, stored and read back'), () => {
  const jsonObject = { a: 1, b: { c: [1, 2, 'x'], d: null, e: true }, 'ü': 'ß', long: 3_000_000_000, f: 0.5 };
  const jsonArray = [1, 'two', { three: 3 }, [4], null];
  const matrix: [name: string, sent: unknown, type: string, readBack: unknown][] = [
    ['text', 'hello wörld ✓ "quoted" \\ back', 'String', 'hello wörld ✓ "quoted" \\ back'],
    ['emptyText', '', 'String', ''],
    ['isoLookingText', '2026-01-02T03:04:05.000Z', 'String', '2026-01-02T03:04:05.000Z'],
    ['yes', true, 'Boolean', true],
    ['no', false, 'Boolean', false],
    ['count', 42, 'Integer', 42],
    ['zero', 0, 'Integer', 0],
    ['negative', -7, 'Integer', -7],
    ['int32Max', 2147483647, 'Integer', 2147483647],
    ['int32Min', -2147483648, 'Integer', -2147483648],
    ['int32MaxPlusOne', 2147483648, 'Long', 2147483648],
    ['int32MinMinusOne', -2147483649, 'Long', -2147483649],
    ['threeBillion', 3e9, 'Long', 3000000000],
    ['maxSafe', Number.MAX_SAFE_INTEGER, 'Long', Number.MAX_SAFE_INTEGER],
    ['half', 1.5, 'Double', 1.5],
    ['negativeFraction', -0.25, 'Double', -0.25],
    ['tiny', 1e-7, 'Double', 1e-7],
    ['nothing', null, 'Null', null],
    ['emptyObject', {}, 'Json', {}],
    ['emptyArray', [], 'Json', []],
    ['object', jsonObject, 'Json', jsonObject],
    ['array', jsonArray, 'Json', jsonArray],
    // Looks like {value, type} but the type is not an engine type: it is just an object.
    ['car', { type: 'car', value: 1 }, 'Json', { type: 'car', value: 1 }],
    // A known type with an extra key is not a typed variable either.
    ['extraKey', { type: 'String', value: 'x', note: 1 }, 'Json', { type: 'String', value: 'x', note: 1 }],
  ];

  const read = roundTrip(matrix);

  it('nothing else was stored but the stamps', () => {
    expect(Object.keys(read).sort()).toEqual([...matrix.map(([name]) => name), 'initiator', 'initiatorEmail', 'initiatorName', 'initiatorOrgId'].sort());
  });

  it("the route's fixed deserializeValues=false wins over the client's", async () => {
    const started = await startLeave({ object: { a: 1 } });
    const res = await request(h.app)
      .get(`/api/instances/${started.body.id}/variables?deserializeValues=true`)
      .set('Authorization', h.bearer());
    expect(res.status).toBe(200);
    expect(res.body.object).toEqual({ type: 'Json', value: '{"a":1}', valueInfo: {} });
  });

  it('why the fixed query matters: the engine, asked directly without it, answers with Spin bean properties', async () => {
    const started = await startLeave({ object: { a: 1 } });
    const direct = await engineDirect<Record<string, EngineVariable>>('GET', `/process-instance/${started.body.id}/variables`);
    expect(direct.status).toBe(200);
    expect(direct.json.object!.value).toMatchObject({ nodeType: 'OBJECT', object: true, dataFormatName: 'application/json' });
  });

  it('the task form shows Json as text too', async () => {
    const started = await startLeave({ object: { a: [1] } });
    const [task] = await tasksOfInstance(started.body.id);
    const res = await request(h.app).get(`/api/tasks/${task!.id}/form`).set('Authorization', h.bearer());
    expect(res.status).toBe(200);
    expect(res.body.object).toEqual({ type: 'Json', value: '{"a":[1]}', valueInfo: {} });
    expect(res.body.confirmed).toEqual({ type: 'Boolean', value: null, valueInfo: {} });
  });

  it('1.0 in the JSON text is an Integer (JSON has no separate float syntax once parsed)', async () => {
    const businessKey = uniqueKey('vars-one');
    const res = await startRawLeave(`{"businessKey":"${businessKey}","variables":{"one":1.0}}`);
    expect(res.status).toBe(201);
    expect((await variablesOf(res.body.id)).one).toEqual({ type: 'Integer', value: 1, valueInfo: {} });
  });
});

describe(onEngine('explicit {value, type}'), () => {
  const matrix: [name: string, sent: { value: unknown; type: string }, type: string, readBack: unknown][] = [
    ['asString', { value: '42', type: 'String' }, 'String', '42'],
    ['asLong', { value: 5, type: 'Long' }, 'Long', 5],
    ['asShort', { value: 7, type: 'Short' }, 'Short', 7],
    ['asDouble', { value: 2, type: 'Double' }, 'Double', 2],
    ['asBoolean', { value: false, type: 'Boolean' }, 'Boolean', false],
    ['asInteger', { value: 2147483647, type: 'Integer' }, 'Integer', 2147483647],
    ['asNull', { value: null, type: 'Null' }, 'Null', null],
    ['jsonFromObject', { value: { k: [1, { l: 'm' }] }, type: 'Json' }, 'Json', { k: [1, { l: 'm' }] }],
    ['jsonFromText', { value: '{"k":2}', type: 'Json' }, 'Json', { k: 2 }],
    ['jsonFromArray', { value: [true], type: 'Json' }, 'Json', [true]],
  ];

  roundTrip(matrix);
});

describe(onEngine('Json typing is real inside the engine (jsonCheck gateway calls order.prop("priority"))'), () => {
  async function startJsonCheck(order: unknown): Promise<request.Response> {
    return request(h.app)
      .post('/api/processes/jsonCheck/start')
      .set('Authorization', h.bearer())
      .send({ businessKey: uniqueKey('jsoncheck'), variables: { order } });
  }

  it.each([
    ['plain {priority: "high"}', { priority: 'high' }, 'highPriority'],
    ['plain {priority: "low"}', { priority: 'low' }, 'normalPriority'],
    ['typed Json text', { type: 'Json', value: '{"priority":"high"}' }, 'highPriority'],
    ['typed Json object', { type: 'Json', value: { priority: 'high', items: [1, 2] } }, 'highPriority'],
  ])('%s → %s', async (_what, order, taskKey) => {
    const res = await startJsonCheck(order);
    expect(res.status).toBe(201);
    const tasks = await tasksOfInstance(res.body.id);
    expect(tasks.map((t) => t.taskDefinitionKey)).toEqual([taskKey]);
  });

  it('the same text typed String cannot be navigated: the engine fails the start (500), the proxy answers 502 with its message', async () => {
    const res = await startJsonCheck({ type: 'String', value: '{"priority":"high"}' });
    const body = expectEnvelope(res, 502, 'engine_error');
    expect(body.detail).toContain('engine error 500 RestException');
    expect(body.detail).toContain('Method not found: class java.lang.String.prop(java.lang.String)');
  });
});

describe(onEngine('Dates'), () => {
  it.each([
    ['Z', '2026-01-02T03:04:05.000Z'],
    ['+02:00', '2026-01-02T05:04:05.000+02:00'],
    ['-05:30 without millis', '2026-01-01T21:34:05-05:30'],
    ['+0000 (the engine format itself)', '2026-01-02T03:04:05.000+0000'],
  ])('a Date with %s is stored as the same UTC instant', async (_what, sent) => {
    const read = await startAndRead({ due: { type: 'Date', value: sent } });
    expect(read.due).toEqual({ type: 'Date', value: '2026-01-02T03:04:05.000+0000', valueInfo: {} });
    expect(new Date(read.due!.value as string).getTime()).toBe(new Date(sent.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).getTime());
  });

  it.each([
    ['no zone', '2026-01-02T03:04:05'],
    ['month 13', '2026-13-02T03:04:05Z'],
    ['31 February', '2026-02-31T03:04:05Z'],
    ['a number', 1767323045000],
    ['not a date', 'tomorrow'],
  ])('a Date with %s is 400 naming the variable, nothing created', async (_what, value) => {
    const businessKey = uniqueKey('vars-date');
    const res = await startLeave({ due: { type: 'Date', value } }, businessKey);
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toContain("variable 'due'");
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([]);
  });
});

describe(onEngine('integers the client cannot send exactly'), () => {
  it('a plain integer beyond 2^53 in the JSON text is 400 naming it, and nothing is created', async () => {
    const businessKey = uniqueKey('vars-big');
    const res = await startRawLeave(`{"businessKey":"${businessKey}","variables":{"big":9007199254740993}}`);
    const body = expectEnvelope(res, 400, 'invalid_request');
    expect(body.detail).toContain("variable 'big'");
    expect(body.detail).toContain('2^53');
    expect((await h.servedBy(res)).engineStatus).toBeNull();
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([]);
  });

  it('the same for an explicit Long', async () => {
    const businessKey = uniqueKey('vars-big-long');
    const res = await startRawLeave(`{"businessKey":"${businessKey}","variables":{"big":{"type":"Long","value":9007199254740993}}}`);
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toContain("variable 'big'");
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([]);
  });

  it('an integer beyond 2^53 inside a Json value is refused too, not stored rounded', async () => {
    // Same silent data loss the top-level check prevents: JSON.parse already rounded 9007199254740993.
    const businessKey = uniqueKey('vars-big-nested');
    const res = await startRawLeave(`{"businessKey":"${businessKey}","variables":{"invoice":{"id":9007199254740993}}}`);
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toContain("variable 'invoice'");
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([]);
  });

  it('a Long sent as a string is stored exactly; the engine answers it as a bare JSON number (exact in the text only)', async () => {
    const read = await startLeave({ big: { type: 'Long', value: '9007199254740993' } });
    expect(read.status).toBe(201);
    const res = await request(h.app).get(`/api/instances/${read.body.id}/variables`).set('Authorization', h.bearer());
    expect(res.status).toBe(200);
    expect(res.text).toContain('"big":{"type":"Long","value":9007199254740993,');
    expect(res.body.big.value).toBe(9007199254740992); // what JSON.parse makes of it
  });

  it('an explicit Integer above 2^31-1 (forms send every whole number as Integer) is stored as a Long, exactly', async () => {
    const res = await startLeave({ tooBig: { type: 'Integer', value: 2147483648 }, fits: { type: 'Integer', value: 2147483647 } });
    expect(res.status).toBe(201);
    const variables = await request(h.app).get(`/api/instances/${res.body.id}/variables`).set('Authorization', h.bearer());
    expect(variables.body.tooBig).toEqual({ type: 'Long', value: 2147483648, valueInfo: {} });
    expect(variables.body.fits).toEqual({ type: 'Integer', value: 2147483647, valueInfo: {} });
  });

  it('a Short beyond 16 bits is 400 with the engine message in detail, nothing created', async () => {
    const businessKey = uniqueKey('vars-short');
    const res = await startLeave({ tooBig: { type: 'Short', value: 40000 } }, businessKey);
    const body = expectEnvelope(res, 400, 'invalid_request');
    expect(body.detail).toContain("Cannot convert value '40000' of type 'Short' to java type java.lang.Short");
    expect((await h.servedBy(res)).engineStatus).toBe(400);
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([]);
  });
});

describe(onEngine('other values the proxy or the engine refuse'), () => {
  it('Boolean "yes" is 400 with the engine message in detail, nothing created', async () => {
    const businessKey = uniqueKey('vars-bad');
    const res = await startLeave({ bad: { type: 'Boolean', value: 'yes' } }, businessKey);
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toContain(
      "Cannot convert value 'yes' of type 'Boolean' to java type java.lang.Boolean",
    );
    expect((await h.servedBy(res)).engineStatus).toBe(400);
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([]);
  });

  it.each([
    ['Integer 1.5', { type: 'Integer', value: 1.5 }, 'Integer value is not an exact integer'],
    ['Long 1e300', { type: 'Long', value: 1e300 }, 'Long value is not an exact integer'],
    ['a plain 1e300', 1e300, 'beyond 2^53'],
  ])('%s is refused by the proxy itself: 400 naming the variable, the engine is not asked', async (_what, variable, message) => {
    const businessKey = uniqueKey('vars-bad');
    const res = await startLeave({ bad: variable }, businessKey);
    const body = expectEnvelope(res, 400, 'invalid_request');
    expect(body.detail).toContain("variable 'bad'");
    expect(body.detail).toContain(message);
    expect((await h.servedBy(res)).engineStatus).toBeNull();
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([]);
  });

  it('Json text that is not JSON is refused with 400 before the engine stores it (it would break every deserialising read)', async () => {
    const businessKey = uniqueKey('vars-badjson');
    const res = await request(h.app).post('/api/processes/leaveRequest/start').set('Authorization', h.bearer()).send({ businessKey, variables: { broken: { type: 'Json', value: '{not json' } } });
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toContain("variable 'broken'");
    expect(await historicInstancesByBusinessKey(businessKey)).toEqual([]);
  });

  it('an unknown type name makes the object a Json value, not an error', async () => {
    const read = await startAndRead({ odd: { type: 'Foo', value: 'x' } });
    expect(read.odd!.type).toBe('Json');
    expect(JSON.parse(read.odd!.value as string)).toEqual({ type: 'Foo', value: 'x' });
  });

  it('an empty variable name is 400', async () => {
    const res = await startLeave({ '': 1 });
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toContain("'variables'");
  });

  it('completing with a value the engine refuses is 400 with its message, and the task stays open', async () => {
    const started = await startLeave({});
    const [task] = await tasksOfInstance(started.body.id);
    const res = await request(h.app)
      .post(`/api/tasks/${task!.id}/complete`)
      .set('Authorization', h.bearer(testUsers.alice))
      .send({ variables: { confirmed: { type: 'Short', value: 40000 } } });
    expect(expectEnvelope(res, 400, 'invalid_request').detail).toMatch(
      /^Cannot complete task \S+: Cannot convert value '40000' of type 'Short' to java type java.lang.Short$/,
    );
    expect((await tasksOfInstance(started.body.id)).map((t) => t.id)).toEqual([task!.id]);
  });
});
