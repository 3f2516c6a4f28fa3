// docs/openapi.yaml against itself and against a running server:
//  1. the document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator);
//  2. every route the server counts in /metrics (route="...") is a documented operation;
//  3. each case below is sent to the server, and its answer must be documented for that
//     operation: the status, the content type, the headers, and the body against the schema
//     (the schemas forbid fields they do not name, so a new field fails too);
//  4. every documented (operation, status) pair was seen, except the few listed in `unprovoked`
//     with the reason.
// Env: DATA_URL, ADMIN_URL, ADMIN_TOKEN, OPENAPI (the document's path).
'use strict';
const fs = require('fs');
const YAML = require('yaml');
const Ajv2020 = require('ajv/dist/2020').default;
const { Validator } = require('@seriousme/openapi-schema-validator');

const doc = YAML.parse(fs.readFileSync(process.env.OPENAPI, 'utf8'));
const data = process.env.DATA_URL;
const admin = process.env.ADMIN_URL;
const token = process.env.ADMIN_TOKEN;
const failures = [];
const fail = (message) => failures.push(message);

// Answers a test cannot provoke on demand against one healthy server, and why.
const unprovoked = {
  'GET /rank/{player} 503': 'needs the hash queue full (integration test "limits")',
  'GET /players/{player}/games 503': 'needs a store that cannot read (store tests)',
  'POST /games 503': 'needs a read-only or locked store (integration test "games")',
  'GET /games 503': 'needs a store that cannot read (store tests)',
  'GET /games/{id} 503': 'needs a store that cannot read (store tests)',
  'GET / 404': 'needs a server without its dashboard files',
};

const game = (id, white, black, result) => JSON.stringify({ id, white, black, result });
const bearer = { Authorization: `Bearer ${token}` };
const cases = [
  ['GET', data, '/rank/alice'],
  ['GET', data, '/rank/Bad!Name'],
  ['GET', data, '/rank/nobody'],
  ['GET', data, '/players/bob'],
  ['GET', data, '/players/Bad!Name'],
  ['GET', data, '/players/nobody'],
  ['POST', data, '/games', game('openapi-1', 'alice', 'bob', '1-0')],
  ['POST', data, '/games', game('openapi-1', 'alice', 'bob', '1-0')], // retry: 200
  ['POST', data, '/games', game('openapi-1', 'alice', 'charlie', '0-1')], // conflict: 409
  ['POST', data, '/games', game('openapi-2', 'alice', 'alice', '1-0')], // 400
  ['POST', data, '/games', game('openapi-3', 'alice', 'nobody', '1-0')], // 404
  ['POST', data, '/games', JSON.stringify({ id: 'x', white: 'alice', black: 'bob', result: '1-0', pad: 'p'.repeat(2000) })], // 413
  ['GET', data, '/games/openapi-1'],
  ['GET', data, '/games/no-such-game'],
  ['GET', data, '/games/bad%20id'],
  ['GET', data, '/games?after=0&limit=5'],
  ['GET', data, '/games?limit=0'],
  ['GET', data, '/players/alice/games?limit=5'],
  ['GET', data, '/players/alice/games?before=x'],
  ['GET', data, '/players/nobody/games'],
  ['GET', data, '/leaderboard?limit=3&offset=1'],
  ['GET', data, '/leaderboard?limit=1000'],
  ['GET', data, '/healthz'],
  ['GET', admin, '/healthz', undefined, bearer],
  ['GET', admin, '/healthz'],
  ['GET', admin, '/healthz', undefined, { Authorization: 'Bearer wrong' }],
  ['GET', admin, '/mode', undefined, bearer],
  ['GET', admin, '/mode'], // 401
  ['GET', admin, '/mode', undefined, { Authorization: 'Bearer wrong' }], // 403
  ['PUT', admin, '/mode', 'inline', bearer],
  ['PUT', admin, '/mode', 'offload', bearer],
  ['PUT', admin, '/mode', 'sideways', bearer], // 400
  ['PUT', admin, '/mode', 'inline'], // 401
  ['PUT', admin, '/mode', 'inline', { Authorization: 'Bearer wrong' }], // 403
  ['GET', admin, '/metrics', undefined, bearer],
  ['GET', admin, '/metrics'],
  ['GET', admin, '/metrics', undefined, { Authorization: 'Bearer wrong' }],
  ['GET', admin, '/events', undefined, bearer],
  ['GET', admin, '/events'],
  ['GET', admin, '/events', undefined, { Authorization: 'Bearer wrong' }],
  ['GET', admin, '/', undefined, bearer],
  ['GET', admin, '/'],
  ['GET', admin, '/', undefined, { Authorization: 'Bearer wrong' }],
];

const template = (path) => path.replace(/\{[^}]+\}/g, '{}');

function operationFor(method, path) {
  const bare = path.split('?')[0];
  for (const [documented, item] of Object.entries(doc.paths)) {
    const pattern = new RegExp('^' + documented.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (pattern.test(bare) && item[method.toLowerCase()])
      return { key: `${method} ${documented}`, operation: item[method.toLowerCase()] };
  }
  return null;
}

const resolve = (node) => {
  if (!node || !node.$ref) return node;
  return node.$ref.slice(2).split('/').reduce((at, part) => at[part], doc);
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(doc, 'openapi.json');
// A schema from the document, its local references pointed at the document added above.
const schemaCheck = (schema) =>
  ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#/g, '"$ref":"openapi.json#')));

async function send([method, base, path, body, headers]) {
  const controller = new AbortController();
  const response = await fetch(base + path, { method, body, headers, signal: controller.signal });
  // /events never ends: the head and the first event are enough.
  let text = '';
  if ((response.headers.get('content-type') || '').startsWith('text/event-stream')) {
    const reader = response.body.getReader();
    const { value } = await reader.read();
    text = Buffer.from(value || []).toString();
    controller.abort();
  } else {
    text = await response.text();
  }
  return { status: response.status, headers: response.headers, text };
}

async function main() {
  const validation = await new Validator().validate(doc);
  if (!validation.valid) fail('docs/openapi.yaml is not valid OpenAPI 3.1: ' + JSON.stringify(validation.errors).slice(0, 2000));

  // Every route the server knows (its /metrics labels) has a documented operation.
  const metrics = await send(['GET', admin, '/metrics', undefined, bearer]);
  const routes = new Set([...metrics.text.matchAll(/route="([^"]+)"/g)].map((m) => m[1]));
  if (routes.size < 5) fail(`expected the server's routes in /metrics, found ${[...routes]}`);
  for (const route of routes) {
    if (route === 'other') continue;
    const [method, path] = route.includes(' ') ? route.split(' ') : ['GET', route];
    const documented = Object.keys(doc.paths).some(
      (p) => doc.paths[p][method.toLowerCase()] &&
        (template(p) === template(path) || template(p) === template(path) + '/{}'));
    if (!documented) fail(`the server's route "${route}" is not in docs/openapi.yaml`);
  }

  const seen = new Set();
  for (const c of cases) {
    const [method, , path] = c;
    const what = `${method} ${path}`;
    const found = operationFor(method, path);
    if (!found) { fail(`${what}: no documented operation`); continue; }
    const answer = await send(c);
    const response = resolve(found.operation.responses[String(answer.status)]);
    if (!response) { fail(`${what}: status ${answer.status} is not documented for ${found.key}: ${answer.text.slice(0, 200)}`); continue; }
    seen.add(`${found.key} ${answer.status}`);
    for (const [name, header] of Object.entries(response.headers || {}))
      if (!answer.headers.get(name) && name !== 'Retry-After')
        fail(`${what}: documented header ${name} missing`);
    if (response.headers && response.headers.Location) {
      const check = schemaCheck(response.headers.Location.schema);
      if (!check(answer.headers.get('location'))) fail(`${what}: Location ${answer.headers.get('location')}: ${ajv.errorsText(check.errors)}`);
    }
    const type = (answer.headers.get('content-type') || '').split(';')[0].trim();
    const content = response.content || {};
    if (!content[type]) { fail(`${what}: content type "${type}" is not documented (${Object.keys(content)})`); continue; }
    if (type !== 'application/json') continue;
    let body;
    try { body = JSON.parse(answer.text); } catch (e) { fail(`${what}: not JSON: ${answer.text.slice(0, 200)}`); continue; }
    const check = schemaCheck(content[type].schema);
    if (!check(body)) fail(`${what} -> ${answer.status}: ${ajv.errorsText(check.errors)}\n  body: ${answer.text.slice(0, 300)}`);
  }

  for (const [path, item] of Object.entries(doc.paths))
    for (const method of ['get', 'put', 'post', 'delete', 'patch'])
      for (const status of Object.keys((item[method] || {}).responses || {})) {
        const key = `${method.toUpperCase()} ${path} ${status}`;
        if (!seen.has(key) && !unprovoked[key]) fail(`never exercised: ${key} (add a case, or say in 'unprovoked' why not)`);
      }

  console.log(`openapi: ${cases.length} requests, ${seen.size} documented answers seen, ${routes.size} server routes checked`);
  if (failures.length) {
    console.error(failures.map((f) => 'FAIL: ' + f).join('\n'));
    process.exit(1);
  }
}

main().catch((e) => { console.error('FAIL:', e); process.exit(1); });
