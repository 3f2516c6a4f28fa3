// docs/openapi.yaml against itself and against a running server:
//  1. the document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator);
//  2. every route the server counts in /metrics (route="...") is a documented operation;
//  3. each case below is sent to the server, and its answer must be documented for that
//     operation: the status, the content type, the headers, and the body against the schema
//     (the schemas forbid fields they do not name, so a new field fails too);
//  4. every documented (operation, status) pair was seen, except the few listed in `unprovoked`
//     with the reason;
//  5. the transport answers (malformed framing, sent by hand) are the JSON errors the document's
//     description names, and HEAD answers as GET does, without a body;
//  6. a request the server takes (2xx) is one the document allows: its path parameters and its
//     JSON body valid against their schemas (a name in upper case, which the server folds);
//  7. a wrong method on every documented path is components/responses/MethodNotAllowed, its
//     Allow naming exactly the path's documented methods; a connection past the admin plane's
//     limit is components/responses/ConnectionLimit (a 503 with Retry-After).
// (Redocly's lint, the second validator, runs before this, from tests/e2e/openapi.sh.)
// Env: DATA_URL, ADMIN_URL, ADMIN_TOKEN, OPENAPI (the document's path), ADMIN_MAX_CONNECTIONS.
// The server runs with --answer-budget-mb 1, so that a page of 10,000 games finds no room (503).
'use strict';
const fs = require('fs');
const net = require('net');
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
  'GET /players/{player}/games 503': 'needs a store that cannot read (store tests) or an answer budget held by slow readers (integration test "hostile")',
  'POST /games 503': 'needs a read-only or locked store (integration test "games")',
  'POST /games 401': 'needs a server with a write token; covered by integration test "hostile"',
  'GET /games/{id} 503': 'needs a store that cannot read (store tests)',
  'GET /games/{id}/explain 503': 'needs a store that cannot read (store tests; the same read as GET /games/{id})',
  'GET / 404': 'needs a server without its dashboard files',
  'GET /club 404': 'needs a server without its club page files (integration test "club page: without its files in --dashboard-dir, /club is a 404 naming the directory")',
  'GET /players/{player}/history 503': 'the same page and store read as GET /players/{player}/games 503',
  'GET /players/{player}/vs/{opponent} 503': 'the same page room and pages in flight as GET /players/{player}/games 503 (unit test "past --max-pages-in-flight")',
  'GET /players/{player}/federation 501': 'needs a server without --federation-url (integration test "federation: a service that is down gets 502, a server without one 501")',
  'GET /players/{player}/federation 502': 'needs the service down or misbehaving (integration test "federation: each failure of the service has its status")',
  'GET /players/{player}/federation 503': 'needs --federation-max-pending look-ups waiting for a slow service',
  'GET /players/{player}/federation 504': 'needs a service slower than the timeout (integration test "federation: each failure of the service has its status")',
  'POST /verify 409': 'needs a replay running already (a store large enough to be caught in the act)',
  'GET /readyz 503': 'needs PostgreSQL down (integration test "on PostgreSQL: ... /readyz follows the store") or a stopping server (unit test "/readyz")',
};

const game = (id, white, black, result) => JSON.stringify({ id, white, black, result });
const bearer = { Authorization: `Bearer ${token}` };
const json = { 'Content-Type': 'application/json' };
const wrong = { Authorization: 'Bearer wrong' };
const foreignHost = { Host: 'attacker.example' }; // a rebound DNS name: 421 on the admin plane
// [method, base, path, body, headers, expected status (when the status alone shows the point)]
const cases = [
  ['GET', data, '/rank/alice'],
  ['GET', data, '/rank/Bad!Name'],
  ['GET', data, '/rank/nobody'],
  ['GET', data, '/players/bob'],
  ['GET', data, '/players/BoB', undefined, undefined, 200], // names fold to lower case
  ['GET', data, '/players/%42ob', undefined, undefined, 200], // percent-decoded first
  ['GET', data, '/players/Bad!Name'],
  ['GET', data, '/players/nobody'],
  ['POST', data, '/games', game('openapi-1', 'alice', 'bob', '1-0'), json, 201],
  ['POST', data, '/games', game('openapi-1', 'alice', 'bob', '1-0'), { 'Content-Type': 'application/json; charset=utf-8' }, 200], // retry
  ['POST', data, '/games', game('openapi-1', 'alice', 'charlie', '0-1'), json, 409], // conflict
  ['POST', data, '/games', game('openapi-2', 'alice', 'alice', '1-0'), json, 400],
  ['POST', data, '/games', game('openapi-4', 'alice', 'bob', '1-0'), { ...json, Origin: 'http://attacker.example' }, 403], // another site's page
  ['POST', data, '/games', game('openapi-3', 'alice', 'nobody', '1-0'), json, 404],
  ['POST', data, '/games', game('openapi-5', 'Alice', 'CHARLIE', '1/2-1/2'), json, 201], // alice and charlie
  ['POST', data, '/games', JSON.stringify({ id: 'x', white: 'alice', black: 'bob', result: '1-0', pad: 'p'.repeat(2000) }), json, 413],
  ['POST', data, '/games', game('openapi-4', 'alice', 'bob', '1-0'), undefined, 415], // fetch sends a string as text/plain
  ['GET', data, '/games/openapi-1'],
  ['GET', data, '/games/openapi-1/explain', undefined, undefined, 200],
  ['GET', data, '/games/nothing-here/explain', undefined, undefined, 404],
  ['GET', data, '/games/bad!id/explain', undefined, undefined, 400],
  ['GET', data, '/games/no-such-game'],
  ['GET', data, '/games/bad%20id'],
  ['GET', data, '/games?after=0&limit=5'],
  ['GET', data, '/games?limit=0'],
  ['GET', data, '/games?limit=10000', undefined, undefined, 503], // 5 MB of room wanted, 1 MiB budget
  ['GET', data, '/players/alice/games?limit=5'],
  ['GET', data, '/players/alice/games?before=x'],
  ['GET', data, '/players/nobody/games'],
  ['GET', data, '/players/alice/history?limit=5', undefined, undefined, 200],
  ['GET', data, '/players/alice/history?by=day', undefined, undefined, 200],
  ['GET', data, '/players/alice/history?by=week', undefined, undefined, 400],
  ['GET', data, '/players/nobody/history', undefined, undefined, 404],
  ['GET', data, '/players/alice/federation', undefined, undefined, 200],
  ['GET', data, '/players/Alice/federation', undefined, undefined, 200], // from the cache
  ['GET', data, '/players/nobody/federation', undefined, undefined, 404],
  ['GET', data, '/players/Bad!Name/federation', undefined, undefined, 400],
  ['GET', data, '/players/alice/vs/bob', undefined, undefined, 200],
  ['GET', data, '/players/Bob/vs/ALICE?limit=1', undefined, undefined, 200], // names fold to lower case
  ['GET', data, '/players/alice/vs/bob?limit=1001', undefined, undefined, 400],
  ['GET', data, '/players/alice/vs/Alice', undefined, undefined, 400], // the same player twice
  ['GET', data, '/players/alice/vs/nobody', undefined, undefined, 404],
  ['GET', data, '/leaderboard?limit=3&offset=1'],
  ['GET', data, '/leaderboard?limit=1000'],
  ['GET', data, '/healthz'],
  ['GET', data, '/readyz'],
  ['GET', data, '/club', undefined, undefined, 200],
  ['GET', data, '/club/club.js', undefined, undefined, 200],
  ['GET', data, '/club/club.css', undefined, undefined, 200],
  ['GET', data, '/club/nope', undefined, undefined, 404],
  ['GET', admin, '/healthz', undefined, bearer, 200],
  ['GET', admin, '/healthz', undefined, undefined, 401],
  ['GET', admin, '/healthz', undefined, wrong, 403],
  ['GET', admin, '/healthz', undefined, { ...bearer, ...foreignHost }, 421],
  ['GET', admin, '/mode', undefined, bearer, 200],
  ['GET', admin, '/mode', undefined, { Authorization: `bEaReR ${token}` }, 200], // the scheme in any case
  ['GET', admin, '/mode', undefined, undefined, 401],
  ['GET', admin, `/mode?token=${token}`, undefined, undefined, 401], // never from the URL
  ['GET', admin, '/mode', undefined, wrong, 403],
  ['GET', admin, '/mode', undefined, { ...bearer, ...foreignHost }, 421],
  ['POST', admin, '/verify', undefined, bearer, 200],
  ['POST', admin, '/verify', undefined, undefined, 401],
  ['POST', admin, '/verify', undefined, wrong, 403],
  ['POST', admin, '/verify', undefined, { ...bearer, ...foreignHost }, 421],
  ['PUT', admin, '/mode', 'inline', bearer, 200],
  ['PUT', admin, '/mode', 'offload', { ...bearer, Origin: admin }, 200], // the dashboard's own page
  ['PUT', admin, '/mode', 'sideways', bearer, 400],
  ['PUT', admin, '/mode', 'inline', undefined, 401],
  ['PUT', admin, '/mode', 'inline', wrong, 403],
  ['PUT', admin, '/mode', 'inline', { ...bearer, Origin: 'http://attacker.example' }, 403], // another site's page
  ['PUT', admin, '/mode', 'inline', { ...bearer, ...foreignHost }, 421],
  ['GET', admin, '/metrics', undefined, bearer, 200],
  ['GET', admin, '/metrics', undefined, undefined, 401],
  ['GET', admin, '/metrics', undefined, wrong, 403],
  ['GET', admin, '/metrics', undefined, { ...bearer, ...foreignHost }, 421],
  ['GET', admin, '/events', undefined, bearer, 200],
  ['GET', admin, '/events', undefined, undefined, 401],
  ['GET', admin, '/events', undefined, wrong, 403],
  ['GET', admin, '/events', undefined, { ...bearer, ...foreignHost }, 421],
  ['GET', admin, '/stalls', undefined, bearer, 200],
  ['GET', admin, '/stalls', undefined, undefined, 401],
  ['GET', admin, '/stalls', undefined, wrong, 403],
  ['GET', admin, '/stalls', undefined, { ...bearer, ...foreignHost }, 421],
  ['GET', admin, '/stalls.folded', undefined, bearer, 200],
  ['GET', admin, '/stalls.folded', undefined, undefined, 401],
  ['GET', admin, '/stalls.folded', undefined, wrong, 403],
  ['GET', admin, '/stalls.folded', undefined, { ...bearer, ...foreignHost }, 421],
  ['GET', admin, '/', undefined, bearer, 200],
  ['GET', admin, '/', undefined, undefined, 200], // the dashboard's files need no token
  ['GET', admin, '/', undefined, wrong, 200],
  ['GET', admin, '/', undefined, foreignHost, 421],
];

const template = (path) => path.replace(/\{[^}]+\}/g, '{}');

// The documented path a request's path is an instance of, with its path parameters (decoded).
function pathFor(path) {
  const bare = path.split('?')[0];
  for (const [documented, item] of Object.entries(doc.paths)) {
    const names = [...documented.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const pattern = new RegExp('^' + documented.replace(/\{[^}]+\}/g, '([^/]+)') + '$');
    const match = pattern.exec(bare);
    if (match)
      return { documented, item, parameters: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])])) };
  }
  return null;
}

function operationFor(method, path) {
  const found = pathFor(path);
  const operation = found && found.item[method.toLowerCase()];
  if (!operation) return null;
  return { key: `${method} ${found.documented}`, operation, parameters: found.parameters };
}

const methodsOf = (item) =>
  ['get', 'put', 'post', 'delete', 'patch'].filter((m) => item[m]).map((m) => m.toUpperCase());

const resolve = (node) => {
  if (!node || !node.$ref) return node;
  return node.$ref.slice(2).split('/').reduce((at, part) => at[part], doc);
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(doc, 'openapi.json');
// A schema from the document, its local references pointed at the document added above.
const schemaCheck = (schema) =>
  ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#/g, '"$ref":"openapi.json#')));

// An answer as it came on the wire: status line, header fields, body.
function parseAnswer(raw) {
  const end = raw.indexOf('\r\n\r\n');
  const [statusLine, ...fields] = raw.slice(0, end < 0 ? raw.length : end).split('\r\n');
  const headers = new Headers();
  for (const field of fields) {
    const colon = field.indexOf(':');
    headers.append(field.slice(0, colon).trim(), field.slice(colon + 1).trim());
  }
  return { status: Number(statusLine.split(' ')[1]), headers, text: end < 0 ? '' : raw.slice(end + 4) };
}

// One request written by hand on its own connection ("Connection: close"), for what fetch will
// not send: its own Host, broken framing. The answer is read to its end.
function exchange(base, request) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks = [];
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${JSON.stringify(request.slice(0, 80))}`)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString();
      if (!raw.includes('\r\n\r\n')) return reject(new Error(`no complete answer to ${JSON.stringify(request.slice(0, 80))}: ${JSON.stringify(raw)}`));
      resolve(parseAnswer(raw));
    });
    socket.end(request);
  });
}

const hostOf = (base) => new URL(base).host;
const rawRequest = (method, base, path, body, headers = {}) =>
  [`${method} ${path} HTTP/1.1`,
   ...Object.entries({ Host: hostOf(base), ...headers }).map(([name, value]) => `${name}: ${value}`),
   ...(body === undefined ? [] : [`Content-Length: ${Buffer.byteLength(body)}`]),
   'Connection: close', '', body || ''].join('\r\n');

async function send([method, base, path, body, headers]) {
  // fetch sets Host itself, whatever it is given.
  if (headers && headers.Host) return exchange(base, rawRequest(method, base, path, body, headers));
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

// An answer against a documented response: its headers, its content type, its JSON body.
function checkAnswer(what, response, answer) {
  for (const [name, documented] of Object.entries(response.headers || {})) {
    const value = answer.headers.get(name);
    if (!value) { fail(`${what}: documented header ${name} missing`); continue; }
    const schema = resolve(documented).schema;
    const check = schemaCheck(schema);
    if (!check(schema.type === 'integer' ? Number(value) : value))
      fail(`${what}: ${name}: ${value}: ${ajv.errorsText(check.errors)}`);
  }
  const type = (answer.headers.get('content-type') || '').split(';')[0].trim();
  const content = response.content || {};
  if (!content[type]) return fail(`${what}: content type "${type}" is not documented (${Object.keys(content)})`);
  if (type !== 'application/json') return;
  let body;
  try { body = JSON.parse(answer.text); } catch (e) { return fail(`${what}: not JSON: ${answer.text.slice(0, 200)}`); }
  const check = schemaCheck(content[type].schema);
  if (!check(body)) fail(`${what} -> ${answer.status}: ${ajv.errorsText(check.errors)}\n  body: ${answer.text.slice(0, 300)}`);
}

// A request the server took: the document must allow it too (its path parameters, its JSON body).
function checkRequest(what, found, [, , , body, headers]) {
  for (const parameter of (found.operation.parameters || []).map(resolve)) {
    if (parameter.in !== 'path') continue;
    const check = schemaCheck(parameter.schema);
    if (!check(found.parameters[parameter.name]))
      fail(`${what}: taken, but its ${parameter.name} "${found.parameters[parameter.name]}" breaks the document: ${ajv.errorsText(check.errors)}`);
  }
  const type = ((headers || {})['Content-Type'] || '').split(';')[0].trim();
  const documented = found.operation.requestBody && found.operation.requestBody.content[type];
  if (body === undefined || type !== 'application/json' || !documented) return;
  const check = schemaCheck(documented.schema);
  if (!check(JSON.parse(body))) fail(`${what}: taken, but its body breaks the document: ${ajv.errorsText(check.errors)}`);
}

// Connections to the admin plane, opened at once and left silent: past its limit the server
// answers each new one with a 503 as it accepts it (the others wait for a request). Resolves
// with the refusals' answers, once every socket is connected and has had time to hear.
function overflowAdminPlane(count) {
  const { hostname, port } = new URL(admin);
  const sockets = [];
  const refusals = [];
  return new Promise((resolve, reject) => {
    let connected = 0;
    for (let i = 0; i < count; i++) {
      const socket = net.connect(Number(port), hostname);
      const chunks = [];
      sockets.push(socket);
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('end', () => { if (chunks.length) refusals.push(Buffer.concat(chunks).toString()); });
      socket.on('error', reject);
      socket.on('connect', () => {
        if (++connected < count) return;
        setTimeout(() => { sockets.forEach((s) => s.destroy()); resolve(refusals); }, 1000);
      });
    }
  });
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
    const [method, base, path, , headers, expected] = c;
    const what = `${method} ${base === admin ? 'admin' : 'data'} ${path}${headers ? ' ' + JSON.stringify(headers) : ''}`;
    const found = operationFor(method, path);
    if (!found) { fail(`${what}: no documented operation`); continue; }
    const answer = await send(c);
    if (expected && answer.status !== expected)
      fail(`${what}: status ${answer.status}, expected ${expected}: ${answer.text.slice(0, 200)}`);
    const response = resolve(found.operation.responses[String(answer.status)]);
    if (!response) { fail(`${what}: status ${answer.status} is not documented for ${found.key}: ${answer.text.slice(0, 200)}`); continue; }
    seen.add(`${found.key} ${answer.status}`);
    checkAnswer(what, response, answer);
    if (answer.status >= 200 && answer.status < 300) checkRequest(what, found, c);
  }

  // Transport answers, valid on any path: each a JSON error whose status the description names.
  const host = `Host: ${hostOf(data)}\r\n`;
  const transport = [
    ['a chunked body', 411, data, `POST /games HTTP/1.1\r\n${host}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`],
    ['another Transfer-Encoding', 501, data, `POST /games HTTP/1.1\r\n${host}Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n`],
    ['a body on GET', 413, data, `GET /healthz HTTP/1.1\r\n${host}Content-Length: 5\r\n\r\nhello`],
    ['a body on GET, admin plane', 413, admin, `GET /mode HTTP/1.1\r\nHost: ${hostOf(admin)}\r\nAuthorization: Bearer ${token}\r\nContent-Length: 5\r\n\r\nhello`],
    ['HTTP/1.1 without Host', 400, data, 'GET /healthz HTTP/1.1\r\n\r\n'],
    ['two Host headers', 400, data, `GET /healthz HTTP/1.1\r\n${host}${host}\r\n`],
    ['Expect', 417, data, `POST /games HTTP/1.1\r\n${host}Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n`],
    ['headers over 8 KiB', 431, data, `GET /healthz HTTP/1.1\r\n${host}X-Pad: ${'p'.repeat(9000)}\r\n\r\n`],
    ['a wrong method', 405, data, `DELETE /leaderboard HTTP/1.1\r\n${host}Connection: close\r\n\r\n`],
  ];
  const errorCheck = schemaCheck({ $ref: '#/components/schemas/Error' });
  for (const [what, expected, base, request] of transport) {
    const answer = await exchange(base, request);
    if (answer.status !== expected) { fail(`${what}: status ${answer.status}, expected ${expected}: ${answer.text.slice(0, 200)}`); continue; }
    if (!doc.info.description.includes(`\`${expected}\``)) fail(`${what}: ${expected} is not named in info.description`);
    if ((answer.headers.get('content-type') || '').split(';')[0] !== 'application/json') fail(`${what}: not a JSON error`);
    let body;
    try { body = JSON.parse(answer.text); } catch (e) { fail(`${what}: not JSON: ${answer.text.slice(0, 200)}`); continue; }
    if (!errorCheck(body)) fail(`${what}: ${ajv.errorsText(errorCheck.errors)}`);
    if (expected === 405 && !answer.headers.get('allow')) fail(`${what}: 405 without Allow`);
  }

  // A method no documented path takes, on every documented path of each plane it is on: a 405
  // as components/responses/MethodNotAllowed says, its Allow naming the documented methods.
  const methodNotAllowed = resolve(doc.components.responses.MethodNotAllowed);
  let wrongMethods = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    const concrete = path.replace('{player}', 'alice').replace('{opponent}', 'bob').replace('{id}', 'openapi-1');
    const servers = item.servers || (item.get && item.get.servers) || doc.servers;
    for (const server of servers) {
      const base = server.description === 'admin plane' ? admin : data;
      const what = `DELETE ${base === admin ? 'admin' : 'data'} ${concrete}`;
      const answer = await send(['DELETE', base, concrete, undefined, base === admin ? bearer : undefined]);
      wrongMethods++;
      if (answer.status !== 405) { fail(`${what}: status ${answer.status}, expected 405: ${answer.text.slice(0, 200)}`); continue; }
      checkAnswer(what, methodNotAllowed, answer);
      const allowed = (answer.headers.get('allow') || '').split(',').map((m) => m.trim()).sort();
      if (allowed.join() !== methodsOf(item).sort().join())
        fail(`${what}: Allow: ${answer.headers.get('allow')}, but the document gives ${path} ${methodsOf(item)}`);
    }
  }

  // HEAD wherever GET: the same status and headers, no body (sent by hand and read to the end
  // of the connection: fetch would not read a body after HEAD). The player has no games: one who
  // has shows an RD grown to the moment, whose digits (and length) can move between the two.
  for (const [base, path, headers] of [[data, '/players/player00003'], [data, '/games/openapi-1'], [data, '/nowhere'], [data, '/club'],
    [admin, '/'], [admin, '/mode', bearer], [admin, '/mode']]) {
    const what = `HEAD ${base === admin ? 'admin' : 'data'} ${path}`;
    const get = await exchange(base, rawRequest('GET', base, path, undefined, headers));
    const head = await exchange(base, rawRequest('HEAD', base, path, undefined, headers));
    if (get.text === '') fail(`${what}: GET's answer has no body to leave out`);
    if (head.text !== '') fail(`${what}: a body: ${head.text.slice(0, 100)}`);
    for (const name of ['content-type', 'content-length', 'www-authenticate', 'x-frame-options'])
      if (head.headers.get(name) !== get.headers.get(name))
        fail(`${what}: ${name} ${head.headers.get(name)}, GET's ${get.headers.get(name)}`);
    if (head.status !== get.status) fail(`${what}: status ${head.status}, GET's ${get.status}`);
  }

  for (const [path, item] of Object.entries(doc.paths))
    for (const method of ['get', 'put', 'post', 'delete', 'patch'])
      for (const status of Object.keys((item[method] || {}).responses || {})) {
        const key = `${method.toUpperCase()} ${path} ${status}`;
        if (!seen.has(key) && !unprovoked[key]) fail(`never exercised: ${key} (add a case, or say in 'unprovoked' why not)`);
      }

  // Past the admin plane's connection limit, last (the connections it opens take the server a
  // moment to see closed): components/responses/ConnectionLimit, a 503 with Retry-After.
  const limit = Number(process.env.ADMIN_MAX_CONNECTIONS || 64); // 64: the server's default
  const refusals = await overflowAdminPlane(limit + 4);
  if (refusals.length === 0) fail(`${limit + 4} connections to the admin plane (limit ${limit}): none refused`);
  for (const raw of refusals) {
    const answer = parseAnswer(raw);
    if (answer.status !== 503) { fail(`past the connection limit: status ${answer.status}, expected 503: ${raw.slice(0, 200)}`); continue; }
    checkAnswer('past the connection limit', resolve(doc.components.responses.ConnectionLimit), answer);
  }

  console.log(`openapi: ${cases.length} requests, ${seen.size} documented answers seen, ${routes.size} server routes checked, ${transport.length} transport answers, ${wrongMethods} wrong methods, ${refusals.length} connections refused`);
  if (failures.length) {
    console.error(failures.map((f) => 'FAIL: ' + f).join('\n'));
    process.exit(1);
  }
}

main().catch((e) => { console.error('FAIL:', e); process.exit(1); });
