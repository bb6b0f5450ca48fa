// The typed client of a peer agent's API (./routes.ts): bearer token, plain HTTP or TLS. Every
// answer is validated with its route's schema: one that does not match is a one-line error naming
// the route (E_AGENT_ANSWER_INVALID, or the route's own code), never a cast. With a pinned
// fingerprint the certificate is checked before a byte of the request (the token) is written:
// a mismatch is E_TLS_PIN and the token never leaves. Without a pin, TLS verifies the chain
// against --tls-ca (or the system's CAs) and the address as usual.
// Where the node's address cannot be reached from here, the same requests go through the API
// server's pod proxy (./reach.ts): the API server keeps the Authorization header for itself, so the
// token travels in X-Podpath-Token; every answer is validated and limited exactly as a direct one.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { isIP } from 'node:net';
import { PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { displayLine } from '../util/terminal-safe.js';
import { TOKEN_HEADER, type AgentRoute, type RouteAnswer, type RouteBody } from './routes.js';
import { statusError, statusMessage } from '../sources/kube/client.js';
import { get, str } from '../sources/kube/objects.js';
import { proxyPath, type AgentReach } from './reach.js';

export interface AgentTlsOptions {
  /** SHA-256 fingerprint of the agent's certificate, 64 hex digits (normalizeFingerprint). */
  fingerprint256?: string;
  /** PEM CA certificate(s) to verify the agent's certificate with (when not pinned). */
  ca?: string;
}

/** Connecting (and the TLS handshake) may take this long before the agent counts as unreachable. */
const CONNECT_TIMEOUT_MS = 15_000;
/** A POST that does not say how long its work takes (a mesh round, a trace) may be silent this long. */
const DEFAULT_POST_WAIT_MS = 180_000;

export interface CallOptions {
  /** How long the answer may send nothing once the request is written (default: LIMITS.agentAnswerWait for GET). */
  waitMs?: number;
}

/** A non-2xx answer: its status and the agent's own error code, for callers that retry (409, 429). */
export class AgentAnswerError extends PodpathError {
  constructor(message: string, readonly status: number, readonly agentCode?: string) {
    super('E_AGENT', message);
  }
}

/** E_AGENT_UNREACHABLE; `connected`: false when no connection was made, so nothing was sent. */
export class AgentUnreachableError extends PodpathError {
  constructor(message: string, readonly connected: boolean, readonly reason?: string) {
    super('E_AGENT_UNREACHABLE', message);
  }
}

/** One HTTP exchange: where to (direct or through the API server), as what, and its label in errors. */
interface Exchange {
  module: typeof http | typeof https;
  options: http.RequestOptions;
  url?: URL;
  socket?: tls.TLSSocket;
  where: string;
}

export class AgentApi {
  private readonly base: string;
  /**
   * Set by the first answer that stalled: the agent is there (it took the connection) but its
   * answers do not arrive, so asking it again would only wait as long once more.
   */
  private stalled?: PodpathError;

  constructor(private readonly host: string, private readonly port: number, private readonly token: string, private readonly tlsOptions?: AgentTlsOptions, private readonly reach: AgentReach = {}) {
    this.base = `${tlsOptions ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    if (reach.mode === 'proxy' && !reach.pod) throw new PodpathError('E_USAGE', `the agent at ${this.base}: no pod known to reach it through the API server`);
  }

  /** How this client reaches its agent now: `direct`, or `proxy` (through the API server). */
  get via(): 'direct' | 'proxy' {
    const { pod, mode, memo } = this.reach;
    return pod && (mode === 'proxy' || (mode === 'fallback' && memo?.isSwitched(this.base))) ? 'proxy' : 'direct';
  }

  /** Asks a GET route; the answer is the route's schema's output. */
  async get<R extends AgentRoute<'GET', undefined>>(route: R, o: CallOptions = {}): Promise<RouteAnswer<R>> {
    return this.answerOf(route, await this.call(route, undefined, o.waitMs ?? LIMITS.agentAnswerWait.value * 1000));
  }

  /** Sends a POST route its body; the answer is the route's schema's output. */
  async post<R extends AgentRoute<'POST'>>(route: R, body: RouteBody<R>, o: CallOptions = {}): Promise<RouteAnswer<R>> {
    return this.answerOf(route, await this.call(route, body, o.waitMs ?? DEFAULT_POST_WAIT_MS));
  }

  private answerOf<R extends AgentRoute>(route: R, answer: unknown): RouteAnswer<R> {
    const parsed = route.response.safeParse(answer);
    if (parsed.success) return parsed.data as RouteAnswer<R>;
    const issue = parsed.error.issues[0];
    // The peer chose the keys the path is made of: shown as escapes, clipped.
    const why = issue ? displayLine(`${issue.path.join('.') || 'answer'}: ${issue.message}`, 300) : 'invalid';
    return failWith(new PodpathError(route.invalidCode ?? 'E_AGENT_ANSWER_INVALID', `the agent at ${this.base} (${route.method} ${route.path}): not ${route.answer}: ${why}`));
  }

  /** The stall that made this client stop asking, if any. */
  get stall(): PodpathError | undefined {
    return this.stalled;
  }

  private stallError(where: string, method: string, path: string, waitMs: number, bytes: number): PodpathError {
    const what = bytes > 0 ? `began its answer to ${method} ${path} (${bytes} bytes) and then sent nothing for ${waitMs / 1000} s` : `took the connection but sent no byte of its answer to ${method} ${path} in ${waitMs / 1000} s`;
    // The request is small and got through; a large answer that never arrives is what a path
    // that drops full-size segments does to TCP (an MTU below the nodes' own, seed 003 / kb 5).
    this.stalled = new PodpathError('E_AGENT_STALLED', `${where} ${what}: are full-size packets from it lost on the way (a path MTU below the nodes' MTU)? The size sweep of podpath probe measures it`);
    return this.stalled;
  }

  private unreachable(e: unknown, connected: boolean, where = `the agent at ${this.base}`): PodpathError {
    const err = e as NodeJS.ErrnoException & { cause?: { code?: string } };
    if (where !== `the agent at ${this.base}`) {
      return new PodpathError('E_KUBE_CONNECT', `no answer from the API server on the way to ${where.replace(/^the /, '')} (${err.cause?.code ?? err.code ?? err.message})`);
    }
    const reason = err.cause?.code ?? err.code ?? err.message;
    return new AgentUnreachableError(`no answer from the agent at ${this.base} (${reason}): is \`podpath agent\` running there?`, connected, displayLine(reason, 120));
  }

  /** A TLS connection whose certificate is already checked (pinned or verified), or an error. */
  private connectTls(o: AgentTlsOptions): Promise<tls.TLSSocket> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: this.host, port: this.port, servername: isIP(this.host) ? undefined : this.host,
        // With a pin the fingerprint is the check (a self-signed certificate has no chain).
        rejectUnauthorized: o.fingerprint256 === undefined, ca: o.ca,
      });
      const timer = setTimeout(() => socket.destroy(Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' })), CONNECT_TIMEOUT_MS);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        if (o.fingerprint256 !== undefined) {
          const got = socket.getPeerCertificate().fingerprint256?.replace(/:/g, '').toUpperCase();
          if (got !== o.fingerprint256) {
            socket.destroy();
            reject(new PodpathError('E_TLS_PIN', `the agent at ${this.base} shows a certificate with SHA-256 ${got ?? '(none)'}, not the pinned ${o.fingerprint256}: the token was not sent`));
            return;
          }
        }
        resolve(socket);
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const code = e.code ?? '';
        if (/CERT|SELF_SIGNED|ERR_TLS_CERT|UNABLE_TO|HOSTNAME|IP_ADDRESS/.test(code) || /certificate|altnames/i.test(e.message)) {
          reject(new PodpathError('E_TLS', `the agent at ${this.base}: ${e.message}${code ? ` (${code})` : ''}; give --tls-fingerprint (as the agent logged it) or --tls-ca`));
        } else reject(this.unreachable(e, false));
      });
    });
  }

  /** The answer's JSON (or text, for a text route) with status 2xx, or an error. */
  private async call(route: AgentRoute, body: unknown, waitMs: number): Promise<unknown> {
    if (this.stalled) throw this.stalled;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (this.via === 'proxy') return this.viaProxy(route, payload, waitMs);
    try {
      const socket = this.tlsOptions ? await this.connectTls(this.tlsOptions) : undefined;
      const ex: Exchange = {
        module: http, socket, where: `the agent at ${this.base}`,
        options: {
          host: this.host, port: this.port, method: route.method, path: route.path,
          // No agent with createConnection: an agent would open a plain connection of its own.
          ...(socket ? { createConnection: () => socket } : { agent: false }),
          headers: { authorization: `Bearer ${this.token}` },
        },
      };
      return this.answer(route, await this.exchange(ex, route, payload, waitMs), ex.where, false);
    } catch (e) {
      // Only a connection never made falls back: nothing of the request reached the agent.
      const { pod, mode, memo } = this.reach;
      if (!(e instanceof AgentUnreachableError) || e.connected || mode !== 'fallback' || !pod) throw e;
      memo?.switchToProxy(this.base, pod, e.reason ?? e.message);
      return this.viaProxy(route, payload, waitMs);
    }
  }

  /** The same request through the API server's pod proxy, the token in X-Podpath-Token. */
  private async viaProxy(route: AgentRoute, payload: string | undefined, waitMs: number): Promise<unknown> {
    const pod = this.reach.pod!;
    const url = pod.kube.url(proxyPath(pod, this.tlsOptions !== undefined, this.port, route.path));
    const { headers, ...options } = await pod.kube.requestOptions(url, route.method);
    const where = `the agent pod ${pod.namespace}/${pod.name} (through the API server ${pod.kube.server})`;
    const ex: Exchange = {
      module: url.protocol === 'http:' ? http : https, url, where,
      // Authorization (if any) is the caller's credential for the API server, never the agent's token.
      options: { ...options, ...(options.agent ? {} : { agent: false }), headers: { ...headers, [TOKEN_HEADER]: this.token } },
    };
    return this.answer(route, await this.exchange(ex, route, payload, waitMs), where, true);
  }

  /** Sends the request and reads the answer up to the limit, with the connect and stall timers. */
  private exchange(ex: Exchange, route: AgentRoute, payload: string | undefined, waitMs: number): Promise<{ status: number; text: string }> {
    const { method, path } = route;
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      let size = 0;
      let connected = ex.socket !== undefined;
      const headers = {
        ...ex.options.headers, 'content-type': 'application/json', connection: 'close',
        ...(payload === undefined ? {} : { 'content-length': Buffer.byteLength(payload) }),
      };
      const onResponse = (res: http.IncomingMessage) => {
        // A peer is hostile input too: its answer is read up to a limit.
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > LIMITS.agentAnswer.value) {
            req.destroy();
            reject(new PodpathError(LIMITS.agentAnswer.code, `${ex.where} answered ${method} ${path} with more than ${LIMITS.agentAnswer.value} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(this.stalled ?? (e instanceof PodpathError ? e : this.unreachable(e, true, ex.where))));
      };
      const req = ex.url
        ? (ex.module as typeof https).request(ex.url, { ...ex.options, method, headers }, onResponse)
        : ex.module.request({ ...ex.options, method, headers }, onResponse);
      // Node starts a request's timeout only once its socket is connected: the connect has its own
      // timer (a SYN-ACK that never comes would otherwise wait for the kernel, about 130 s).
      const connectTimer = connected ? undefined : setTimeout(() => req.destroy(Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' })), CONNECT_TIMEOUT_MS);
      req.setTimeout(waitMs, () => req.destroy(this.stallError(ex.where, method, path, waitMs, size)));
      req.on('socket', (s) => {
        const onConnect = () => {
          connected = true;
          clearTimeout(connectTimer);
        };
        if (connected || !s.connecting) onConnect();
        else s.once(ex.url?.protocol === 'https:' ? 'secureConnect' : 'connect', onConnect);
      });
      req.on('close', () => clearTimeout(connectTimer));
      req.on('error', (e) => reject(this.stalled ?? (e instanceof PodpathError ? e : this.unreachable(e, connected, ex.where))));
      req.end(payload);
    });
  }

  /** The answer as JSON (or text), or the error its status and body say. */
  private answer(route: AgentRoute, { status, text }: { status: number; text: string }, where: string, proxied: boolean): unknown {
    const { method, path } = route;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    // Through the proxy a non-2xx answer may be the API server's own (a Status object), not the agent's.
    if (proxied && (status < 200 || status > 299) && get(json, 'kind') === 'Status' && get(json, 'apiVersion') === 'v1') {
      throw this.proxyError(route, status, json);
    }
    if (status === 401) throw new PodpathError('E_AGENT_UNAUTHORIZED', `${where} refused the token`);
    if (route.type === 'text' && status >= 200 && status <= 299) return text;
    if (json === undefined) throw new PodpathError('E_AGENT', `${where} answered ${status} to ${method} ${path}, not with JSON`);
    if (status < 200 || status > 299) {
      const err = json as { error?: unknown; message?: unknown };
      // The peer's words reach a terminal: control characters shown as escapes, clipped.
      const why = typeof err.error === 'string' ? `: ${displayLine(err.error, 64)}${typeof err.message === 'string' ? ` ${displayLine(err.message, 300)}` : ''}` : '';
      throw new AgentAnswerError(`${where} answered ${status} to ${method} ${path}${why}`, status, typeof err.error === 'string' ? err.error.slice(0, 64) : undefined);
    }
    return json;
  }

  /** The API server's refusal: it could not reach the pod (503, or 400 for a pod without an address), or refused us. */
  private proxyError(route: AgentRoute, status: number, body: unknown): PodpathError {
    const pod = this.reach.pod!;
    const who = `pod ${pod.namespace}/${pod.name}`;
    const reason = str(get(body, 'reason'));
    if (status === 503 || reason === 'ServiceUnavailable' || (status === 400 && reason === 'BadRequest')) {
      return new AgentUnreachableError(`the API server ${pod.kube.server} could not reach the agent ${who} (${statusMessage({ status, body })}): is its pod running and ready?`, true);
    }
    const verb = route.method === 'GET' ? 'get' : 'create';
    return statusError({ status, body }, `${route.method} ${route.path} through the API server's proxy to ${who}${status === 403 ? ` (needs RBAC: ${verb} pods/proxy in namespace ${pod.namespace})` : ''}`);
  }
}

function failWith(e: PodpathError): never {
  throw e;
}
