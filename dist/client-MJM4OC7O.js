import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
import {
  ApiKeyRefusedError,
  CortexApiError,
  Redactor,
  StoppedInFlightError,
  TAG_PATTERN,
  TAG_RULE,
  UnusableAnswerError,
  headOf,
  isLoopback,
  mapConcurrently,
  seconds
} from "./chunk-SFYBTLJJ.js";
import {
  require_undici
} from "./chunk-MDUVGB6J.js";
import {
  __toESM
} from "./chunk-5IEWUH67.js";

// src/cortex/client.ts
var import_undici = __toESM(require_undici(), 1);
import { performance } from "node:perf_hooks";

// src/cortex/retry.ts
import { setTimeout as delay } from "node:timers/promises";
var systemClock = {
  now: () => Date.now(),
  async sleep(ms, signal) {
    try {
      await delay(ms, void 0, { signal });
    } catch (error) {
      throw signal?.aborted ? signal.reason : error;
    }
  }
};
var DEFAULT_BACKOFF = { baseDelayMs: 500, maxDelayMs: 3e4, maxRetryAfterMs: 3e5 };
var RETRYABLE_STATUS = /* @__PURE__ */ new Set([429, 502, 503, 504]);
var TIMEOUT_CODE = "TIMEOUT";
var RETRYABLE_CODES = new Set(
  `${TIMEOUT_CODE} ECONNRESET ECONNREFUSED EPIPE ETIMEDOUT ENETUNREACH EAI_AGAIN UND_ERR_SOCKET UND_ERR_CLOSED
   UND_ERR_CONNECT_TIMEOUT UND_ERR_HEADERS_TIMEOUT UND_ERR_BODY_TIMEOUT`.split(/\s+/)
);
function judgeAttempt(result, retriesSoFar, policy) {
  if ("status" in result) {
    if (result.status >= 200 && result.status < 300) return { kind: "success" };
    if (result.status === 401 || result.status === 403) return { kind: "stop-run" };
    if (!RETRYABLE_STATUS.has(result.status)) return { kind: "fail" };
  } else if (!RETRYABLE_CODES.has(result.code)) {
    return { kind: "fail" };
  }
  if (retriesSoFar >= policy.maxRetries) return { kind: "fail" };
  const reason = "status" in result ? `HTTP ${result.status}` : result.code;
  const asked = "status" in result ? retryAfterMs(result, policy.clock.now()) : void 0;
  if (asked !== void 0 && asked > policy.maxRetryAfterMs) {
    return { kind: "fail", reason: `Cortex asked to wait ${seconds(asked)}, longer than this run waits` };
  }
  const delayMs = asked ?? backoffMs(retriesSoFar, policy);
  return { kind: "retry", delayMs, pauseAll: "status" in result && result.status === 429, reason };
}
function backoffMs(retriesSoFar, policy) {
  return Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retriesSoFar));
}
function retryAfterMs(response, nowMs) {
  const raw = response.headers["retry-after"];
  const header = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? "";
  const date = httpDate(header);
  const fromHeader = DECIMAL_NUMBER.test(header) ? Math.ceil(Number(header)) * 1e3 : date === void 0 ? void 0 : date - nowMs;
  let fromBody;
  try {
    const body = JSON.parse(response.text);
    if (typeof body?.retryAfter === "number") fromBody = Math.ceil(body.retryAfter) * 1e3;
  } catch {
  }
  return [fromHeader, fromBody].find((ms) => ms !== void 0 && ms > 0);
}
var DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
var IMF_FIXDATE = new RegExp(
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) (${MONTHS.join("|")}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`
);
function httpDate(text) {
  const fields = IMF_FIXDATE.exec(text);
  if (!fields) return void 0;
  const [day, year, hour, minute, second] = [1, 3, 4, 5, 6].map((i) => Number(fields[i]));
  if (hour > 23 || minute > 59 || second > 60) return void 0;
  const ms = Date.UTC(year, MONTHS.indexOf(fields[2]), day, hour, minute, Math.min(second, 59));
  return new Date(ms).getUTCDate() === day ? ms : void 0;
}
var MINUTE_MS = 6e4;
var RequestGate = class {
  #options;
  #starts = [];
  #pausedUntil = 0;
  #spacingMs = 0;
  #nextSlot = 0;
  #maxCreditMs = 0;
  #stop = new AbortController();
  // Requests pass one at a time so that the window count is exact.
  #queue = Promise.resolve();
  constructor(options) {
    this.#options = options;
  }
  /** Resolves when a request may start; rejects with the stop reason once the run is stopped. */
  enter() {
    const turn = this.#queue.then(() => this.#waitForTurn());
    this.#queue = turn.catch(() => void 0);
    return turn;
  }
  /** Holds every request back until `until` (epoch ms); true when this starts a new pause. */
  pauseUntil(until) {
    const now = this.#options.clock.now();
    const fresh = this.#pausedUntil <= now;
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
    this.#spacingMs = MINUTE_MS / this.#options.requestsPerMinute;
    this.#nextSlot = now;
    this.#maxCreditMs = Math.max(0, until - now);
    return fresh;
  }
  /** No request starts after this, and no wait goes on; `reason` (the first given) is what they fail with. */
  stop(reason) {
    this.#stop.abort(reason);
  }
  get stopped() {
    return this.#stop.signal;
  }
  async #waitForTurn() {
    const { clock, requestsPerMinute, onWait } = this.#options;
    for (; ; ) {
      this.#stop.signal.throwIfAborted();
      const now = clock.now();
      while (this.#starts.length > 0 && this.#starts[0] <= now - MINUTE_MS) this.#starts.shift();
      const windowFull = this.#starts.length >= requestsPerMinute ? this.#starts[0] + MINUTE_MS : 0;
      const until = Math.max(this.#pausedUntil, windowFull, this.#spacingMs > 0 ? this.#nextSlot : 0);
      if (until <= now) {
        this.#starts.push(now);
        if (this.#spacingMs > 0) this.#nextSlot = Math.max(this.#nextSlot, now - this.#maxCreditMs) + this.#spacingMs;
        return;
      }
      onWait?.(until - now, until === this.#pausedUntil ? "rate-limited" : "paced");
      await clock.sleep(until - now, this.#stop.signal);
    }
  }
};
async function sendWithRetries(send, policy, gate, onRetry) {
  for (let retries = 0; ; retries++) {
    await gate.enter();
    const result = await send();
    const verdict = judgeAttempt(result, retries, policy);
    if (verdict.kind !== "retry") return { result, verdict, attempts: retries + 1 };
    const event = { attempt: retries + 1, reason: verdict.reason, delayMs: verdict.delayMs };
    if (verdict.pauseAll) {
      event.pause = gate.pauseUntil(policy.clock.now() + verdict.delayMs) ? "new" : "extended";
      onRetry?.(event);
    } else {
      onRetry?.(event);
      await policy.clock.sleep(verdict.delayMs, gate.stopped);
    }
  }
}

// src/cortex/client.ts
var MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
var MAX_PAGE_SIZE = 1e3;
var MAX_LIST_PAGES = 1e3;
var SHOWN = { name: 200, type: 64, detail: 300, requestId: 100 };
var MAX_VIOLATIONS = 10;
var RESPONSE_TOO_LARGE_CODE = "RESPONSE_TOO_LARGE";
var RUN_STOPPED_CODE = "RUN_STOPPED";
var PROXY_REFUSED_CODE = "PROXY_REFUSED";
var NOT_SENT = new Set(
  `ECONNREFUSED ENETUNREACH EAI_AGAIN ENOTFOUND UND_ERR_CONNECT_TIMEOUT ${PROXY_REFUSED_CODE}`.split(" ")
);
var WRITES = /* @__PURE__ */ new Set(["create", "update", "delete"]);
var CortexClient = class {
  #options;
  #policy;
  #gate;
  #redactor;
  constructor(options) {
    this.#options = options;
    const clock = options.clock ?? systemClock;
    this.#policy = { ...DEFAULT_BACKOFF, maxRetries: options.maxRetries, clock, random: options.random ?? Math.random };
    this.#gate = new RequestGate({ requestsPerMinute: options.requestsPerMinute, clock, onWait: options.onWait });
    this.#redactor = new Redactor([options.apiKey, ...options.secrets ?? []]);
  }
  /** Stops the run: no request starts, every wait ends, every request in flight is aborted. */
  stop(reason) {
    this.#gate.stop(reason);
  }
  async listPage(page, pageSize = MAX_PAGE_SIZE) {
    return (await this.#listPage(page, pageSize)).read;
  }
  /**
   * Every secret in the workspace, each once, names cleaned. The first page's counts are claims:
   * the pages read are the fewer of `totalPages` and what `total` fills, at most MAX_LIST_PAGES,
   * stopping at the first empty page. A secret on two pages (an insertion moved it) is kept
   * once; one tag under two ids, or one id under two tags, is a list that cannot be trusted.
   */
  async listAll(concurrency = 1, known = /* @__PURE__ */ new Set()) {
    const { read: first, call, reply } = await this.#listPage(0, MAX_PAGE_SIZE);
    const claimed = Math.min(first.totalPages, Math.ceil(first.total / MAX_PAGE_SIZE));
    if (claimed > MAX_LIST_PAGES) {
      const detail = `${first.total} secrets in ${first.totalPages} pages: more than the ${MAX_LIST_PAGES} pages of ${MAX_PAGE_SIZE} this action reads`;
      throw this.#unusable(call, reply, detail);
    }
    const rest = Array.from({ length: first.secrets.length === 0 ? 0 : Math.max(0, claimed - 1) }, (_, i) => i + 1);
    let end = rest.length + 1;
    const pages = await mapConcurrently(rest, concurrency, async (page) => {
      if (page >= end) return [];
      const { secrets } = await this.listPage(page).catch((error) => {
        end = 0;
        throw error;
      });
      if (secrets.length === 0) end = Math.min(end, page);
      return secrets;
    });
    const unique = uniqueSecrets([first.secrets, ...pages].slice(0, end).flat());
    if (typeof unique === "string") {
      throw this.#unusable({ operation: "list" }, void 0, `${unique}: the list cannot be trusted`);
    }
    const raw = unique.map((secret) => secret.name ?? "");
    const tags = unique.map((secret) => secret.tag).filter((tag) => !known.has(tag));
    const limits = [...raw.map(() => SHOWN.name), ...tags.map((tag) => tag.length + 64)];
    const cleaned = this.#redactor.cleanAll([...raw, ...tags], limits);
    if (tags.some((tag, i) => cleaned[raw.length + i] !== tag)) {
      const detail = "a tag that quotes a secret value of this run: the list cannot be trusted";
      throw this.#unusable({ operation: "list" }, void 0, detail);
    }
    const names = cleaned.slice(0, raw.length);
    return unique.map((secret, i) => secret.name === void 0 ? secret : { ...secret, name: names[i] });
  }
  /** Whether the tag exists: Cortex answers 404, or its lookup (by tag or id) finds another tag. */
  async exists(tag) {
    const call = { operation: "get", method: "GET", path: secretPath(tag), tag };
    const reply = await this.#exchange(call);
    if (reply.status === 404) return false;
    if (reply.error) throw reply.error;
    return this.#read(call, reply, (body) => readSummary(body, "the body")).tag === tag;
  }
  /**
   * Creates the secret, or finds that its tag exists. Cortex answers an existing tag with 400 or
   * 409 (it documents neither), and 400 is also its answer to a bad body: only reading the tag
   * back, and finding that very tag, makes it "exists". Otherwise the create's own error is thrown.
   */
  async create(secret) {
    const { tag } = secret;
    const body = { name: secret.name, secret: secret.value, tag };
    const call = { operation: "create", method: "POST", path: "api/v1/secrets", tag, body };
    const reply = await this.#exchange(call);
    if (reply.status === 400 || reply.status === 409) {
      const found = await this.exists(tag).catch((error) => {
        if (error instanceof ApiKeyRefusedError) throw error;
        return false;
      });
      if (!found) throw reply.error;
      return { outcome: "exists", earlierAttemptMayHaveLanded: reply.earlierAttemptMayHaveLanded };
    }
    if (reply.error) throw reply.error;
    this.#read(call, reply, (b) => readSummary(b, "the body", tag));
    return { outcome: "created" };
  }
  /** Sends `name` only when given, so that an update never renames a secret by accident. `absent`: 404. */
  async update(tag, change) {
    const body = { ...change.name === void 0 ? {} : { name: change.name }, secret: change.value };
    const call = { operation: "update", method: "PUT", path: secretPath(tag), tag, body };
    const reply = await this.#exchange(call);
    if (reply.status === 404) return "absent";
    if (reply.error) throw reply.error;
    this.#read(call, reply, (b) => readSummary(b, "the body", tag));
    return "updated";
  }
  /** `absent`: 404, already gone. Any 2xx is `deleted`, whatever its body: the API gives DELETE's 200 none. */
  async delete(tag) {
    const reply = await this.#exchange({ operation: "delete", method: "DELETE", path: secretPath(tag), tag });
    if (reply.status === 404) return "absent";
    if (reply.error) throw reply.error;
    return "deleted";
  }
  async #listPage(page, pageSize) {
    const path = `api/v1/secrets?page=${page}&pageSize=${pageSize}`;
    const call = { operation: "list", method: "GET", path, page };
    const reply = await this.#exchange(call);
    if (reply.error) throw reply.error;
    return { read: this.#read(call, reply, (body) => readPage(body, page, pageSize)), call, reply };
  }
  /** Reads a 2xx body with `read`; a body that is not JSON or does not match is the request's failure. */
  #read(call, reply, read) {
    let body;
    try {
      body = reply.text ? JSON.parse(reply.text) : void 0;
    } catch {
      throw this.#unusable(call, reply, `a ${reply.text?.length ?? 0}-character success body that is not JSON`);
    }
    try {
      return read(body);
    } catch (error) {
      if (!(error instanceof ShapeMismatch)) throw error;
      throw this.#unusable(call, reply, `a body that does not match the API: ${error.message}`);
    }
  }
  /**
   * Sends with retries and says what it came to. Throws only when the run stops (a refused key,
   * or a stop while this request waited or was in flight): every other failure is returned, so
   * that callers turn the statuses they expect into results.
   */
  async #exchange(call) {
    const url = new URL(call.path, this.#options.baseUrl);
    const body = call.body === void 0 ? void 0 : JSON.stringify(call.body);
    const uncertain = [];
    let unanswered = false;
    const stopped = (stop) => unanswered && WRITES.has(call.operation) ? new StoppedInFlightError(call.operation, call.tag, stop) : stop;
    const { result, verdict, attempts } = await sendWithRetries(
      async () => {
        this.#gate.stopped.throwIfAborted();
        const attempt = await this.#attempt(call.method, url, body);
        uncertain.push(!("status" in attempt) || attempt.status >= 500);
        unanswered ||= !("status" in attempt) && !NOT_SENT.has(attempt.code);
        return attempt;
      },
      this.#policy,
      this.#gate,
      (event) => this.#options.onRetry?.({ ...event, operation: call.operation, tag: call.tag })
    ).catch((stop) => {
      throw stopped(stop);
    });
    const reply = { attempts, earlierAttemptMayHaveLanded: uncertain.slice(0, -1).includes(true) };
    const mayHave = WRITES.has(call.operation) && unanswered ? "; it may have been applied" : "";
    const error = (said, cause) => new CortexApiError(
      { operation: call.operation, tag: call.tag, attempts, ...said, detail: said.detail + mayHave },
      { cause }
    );
    if ("error" in result) {
      if (result.code === RUN_STOPPED_CODE) throw this.#stoppedInFlight(call);
      const detail = result.code === TIMEOUT_CODE ? `no response within ${seconds(this.#options.timeoutMs)}` : result.code === RESPONSE_TOO_LARGE_CODE ? `the response was larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB, so it was not read` : result.code === PROXY_REFUSED_CODE ? proxyRefusal(result.error.message, this.#options.proxy) : "the connection failed before the response was complete";
      return { ...reply, error: error({ type: result.code, detail }, result.error) };
    }
    const { status, text } = result;
    if (verdict.kind === "success") return { ...reply, status, text };
    const describe = () => {
      const said = status >= 300 && status < 400 ? {
        detail: "a redirect, which the action never follows (the API key would go along): set api-url to the final URL"
      } : this.#errorBody(text);
      return error({ status, ...said, detail: verdict.kind === "fail" && verdict.reason || said.detail });
    };
    if (verdict.kind === "stop-run") {
      const refused = new ApiKeyRefusedError(describe());
      this.#gate.stop(refused);
      throw stopped(refused);
    }
    let failure;
    return {
      ...reply,
      status,
      get error() {
        return failure ??= describe();
      }
    };
  }
  /**
   * What Cortex says in an error body: its ErrorResponse, the `violations` shape, or problem+json.
   * Anything else is summarised by its length, never echoed. Each field is cleaned.
   */
  #errorBody(text) {
    let body = {};
    try {
      body = { ...JSON.parse(text) };
    } catch {
    }
    const string = (value) => typeof value === "string" ? value : void 0;
    let [type, detail] = [string(body.type), string(body.message)];
    if (detail === void 0 && Array.isArray(body.violations)) {
      const violations = body.violations;
      const parts = violations.slice(0, MAX_VIOLATIONS).map((v) => [v?.pointer, v?.title].filter((s) => typeof s === "string").join(" "));
      if (violations.length > MAX_VIOLATIONS) parts.push(`and ${violations.length - MAX_VIOLATIONS} more`);
      [type, detail] = ["VIOLATIONS", parts.join("; ") || "validation failed"];
    }
    detail ??= string(body.title);
    if (detail === void 0) return { detail: `a ${Buffer.byteLength(text)}-byte body that is not a Cortex error` };
    const fields = { type, detail, requestId: string(body.requestId) };
    const keys = ["type", "detail", "requestId"].filter((key) => fields[key] !== void 0);
    const [raw, limits] = [keys.map((key) => fields[key]), keys.map((key) => SHOWN[key])];
    const cleaned = this.#redactor.cleanAll(raw, limits);
    keys.forEach((key, i) => fields[key] = cleaned[i]);
    return fields;
  }
  /**
   * A request abandoned in flight when the run stopped. A read changed nothing, so it fails with
   * the stop's reason; a write may have reached Cortex and been carried out, and says so.
   */
  #stoppedInFlight({ operation, tag }) {
    const stop = this.#gate.stopped.reason;
    return operation === "list" || operation === "get" ? stop : new StoppedInFlightError(operation, tag, stop);
  }
  /** A 2xx answer the action cannot act on: `detail` says why, never quoting the body. */
  #unusable(call, reply, detail) {
    const { operation, tag, page } = call;
    return new UnusableAnswerError({ operation, tag, page, status: reply?.status, attempts: reply?.attempts, detail });
  }
  async #attempt(method, url, body) {
    const { apiKey, userAgent, dispatcher, debug, timeoutMs } = this.#options;
    const started = performance.now();
    const target = `${method} ${url.pathname}${url.search}`;
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await (0, import_undici.request)(url, {
        method,
        dispatcher,
        body,
        // A stopped run waits for no answer: the stop aborts what is in flight, as it ends every wait.
        signal: AbortSignal.any([timeoutSignal(timeoutMs), this.#gate.stopped]),
        headers: {
          authorization: `Bearer ${apiKey}`,
          accept: "application/json",
          "content-type": "application/json",
          "user-agent": userAgent
        }
      });
      const text = await readCapped(response.body, MAX_RESPONSE_BYTES);
      debug?.(`${target} ${response.statusCode} ${elapsed()} ms`);
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      const err = error;
      const code = this.#gate.stopped.aborted ? RUN_STOPPED_CODE : err.name === "TimeoutError" ? TIMEOUT_CODE : err.code === "UND_ERR_ABORTED" && err.message.startsWith("Proxy response (") ? PROXY_REFUSED_CODE : err.code ?? "NETWORK_ERROR";
      debug?.(`${target} failed (${code}) after ${elapsed()} ms`);
      return { error: err, code };
    }
  }
};
function uniqueSecrets(secrets) {
  const byTag = /* @__PURE__ */ new Map();
  const byId = /* @__PURE__ */ new Map();
  for (const secret of secrets) {
    const sameTag = byTag.get(secret.tag);
    if (sameTag !== void 0 && sameTag.id !== secret.id) return `the tag "${secret.tag}" under two different ids`;
    const sameId = byId.get(secret.id);
    if (sameId !== void 0 && sameId.tag !== secret.tag)
      return `the tags "${sameId.tag}" and "${secret.tag}" under one id`;
    byTag.set(secret.tag, secret);
    byId.set(secret.id, secret);
  }
  return [...byTag.values()];
}
function timeoutSignal(ms) {
  const controller = new AbortController();
  let due = performance.now() + ms;
  const check = () => {
    const late = performance.now() - due;
    if (late < 100) return controller.abort(new DOMException("The attempt timed out", "TimeoutError"));
    due = performance.now() + late;
    setTimeout(check, late).unref();
  };
  setTimeout(check, ms).unref();
  return controller.signal;
}
function proxyRefusal(message, proxy = "the proxy variable") {
  const status = /\((\d{3})\)/.exec(message)?.[1] ?? "an error";
  const credentials = status === "407" ? `: it refused the credentials in ${proxy}` : "";
  return `the proxy named by ${proxy} refused the tunnel to Cortex with HTTP ${status}${credentials}`;
}
function secretPath(tag) {
  return `api/v1/secrets/${encodeURIComponent(tag)}`;
}
async function readCapped(body, maxBytes) {
  const chunks = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw Object.assign(new Error("response body too large"), { code: RESPONSE_TOO_LARGE_CODE });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
var ShapeMismatch = class extends Error {
};
function readPage(body, page, pageSize) {
  const fields = field(body, "the body", "object");
  const [read, total, totalPages] = ["page", "total", "totalPages"].map(
    (key) => field(fields[key], key, "number")
  );
  if (read !== page) throw new ShapeMismatch(`page is ${read}, not the page asked (${page})`);
  const items = fields.secrets;
  if (!Array.isArray(items)) throw new ShapeMismatch(`secrets is ${kindOf(items)}, not an array`);
  if (items.length > pageSize) {
    throw new ShapeMismatch(`secrets holds ${items.length} items, more than the ${pageSize} asked`);
  }
  const secrets = items.map((item, i) => readSummary(item, `secrets[${i}]`));
  return { page, secrets, total, totalPages };
}
function readSummary(value, where, asked) {
  const fields = field(value, where, "object");
  const at = (key) => where === "the body" ? key : `${where}.${key}`;
  const id = field(fields.id, at("id"), "string");
  if (id === "") throw new ShapeMismatch(`${at("id")} is empty`);
  const tag = field(fields.tag, at("tag"), "string");
  if (!TAG_PATTERN.test(tag)) throw new ShapeMismatch(`${at("tag")} is not a tag (${TAG_RULE})`);
  if (asked !== void 0 && tag !== asked) throw new ShapeMismatch("tag is not the tag asked");
  const name = fields.name ?? void 0;
  return name === void 0 ? { id, tag } : { id, tag, name: headOf(field(name, at("name"), "string"), 1e3) };
}
function field(value, where, kind) {
  const expected = kind === "object" ? "an object" : `a ${kind}`;
  if (kindOf(value) !== expected) throw new ShapeMismatch(`${where} is ${kindOf(value)}, not ${expected}`);
  if (kind === "number" && (!Number.isSafeInteger(value) || value < 0)) {
    throw new ShapeMismatch(`${where} is ${value}, not a whole number of 0 or more`);
  }
  return value;
}
function kindOf(value) {
  if (value === void 0) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
function dispatcherFor(apiUrl, timeoutMs = 3e4) {
  if (isLoopback(apiUrl.hostname)) return new import_undici.Agent();
  return new import_undici.EnvHttpProxyAgent({
    clientFactory: (origin, opts) => new import_undici.Pool(origin, { ...opts, headersTimeout: timeoutMs }),
    // Nor the TLS handshake through the tunnel, nor the connection to the proxy: timeoutMs, not undici's 10 s.
    requestTls: { timeout: timeoutMs },
    proxyTls: { timeout: timeoutMs }
  });
}
export {
  CortexClient,
  MAX_RESPONSE_BYTES,
  dispatcherFor,
  timeoutSignal
};
