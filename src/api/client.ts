// The typed client of a peer agent's API (./routes.ts): bearer token, plain HTTP or TLS. Every
// answer is validated with its route's schema: one that does not match is a one-line error naming
// the route (E_AGENT_ANSWER_INVALID, or the route's own code), never a cast. With a pinned
// fingerprint the certificate is checked before a byte of the request (the token) is written:
// a mismatch is E_TLS_PIN and the token never leaves. Without a pin, TLS verifies the chain
// against --tls-ca (or the system's CAs) and the address as usual.
import http from 'node:http';
import tls from 'node:tls';
import { isIP } from 'node:net';
import { PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { displayLine } from '../util/terminal-safe.js';
import type { AgentRoute, RouteAnswer, RouteBody } from './routes.js';

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

export class AgentApi {
  private readonly base: string;
  /**
   * Set by the first answer that stalled: the agent is there (it took the connection) but its
   * answers do not arrive, so asking it again would only wait as long once more.
   */
  private stalled?: PodpathError;

  constructor(private readonly host: string, private readonly port: number, private readonly token: string, private readonly tlsOptions?: AgentTlsOptions) {
    this.base = `${tlsOptions ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
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

  private stallError(method: string, path: string, waitMs: number, bytes: number): PodpathError {
    const what = bytes > 0 ? `began its answer to ${method} ${path} (${bytes} bytes) and then sent nothing for ${waitMs / 1000} s` : `took the connection but sent no byte of its answer to ${method} ${path} in ${waitMs / 1000} s`;
    // The request is small and got through; a large answer that never arrives is what a path
    // that drops full-size segments does to TCP (an MTU below the nodes' own, seed 003 / kb 5).
    this.stalled = new PodpathError('E_AGENT_STALLED', `the agent at ${this.base} ${what}: are full-size packets from it lost on the way (a path MTU below the nodes' MTU)? The size sweep of podpath probe measures it`);
    return this.stalled;
  }

  private unreachable(e: unknown): PodpathError {
    const err = e as NodeJS.ErrnoException & { cause?: { code?: string } };
    return new PodpathError('E_AGENT_UNREACHABLE', `no answer from the agent at ${this.base} (${err.cause?.code ?? err.code ?? err.message}): is \`podpath agent\` running there?`);
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
        } else reject(this.unreachable(e));
      });
    });
  }

  /** The answer's JSON (or text, for a text route) with status 2xx, or an error. */
  private async call(route: AgentRoute, body: unknown, waitMs: number): Promise<unknown> {
    const { method, path } = route;
    if (this.stalled) throw this.stalled;
    const socket = this.tlsOptions ? await this.connectTls(this.tlsOptions) : undefined;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      let size = 0;
      let connected = socket !== undefined;
      const req = http.request({
        host: this.host, port: this.port, method, path,
        // No agent with createConnection: an agent would open a plain connection of its own.
        ...(socket ? { createConnection: () => socket } : { agent: false }),
        headers: {
          authorization: `Bearer ${this.token}`, 'content-type': 'application/json', connection: 'close',
          ...(payload === undefined ? {} : { 'content-length': Buffer.byteLength(payload) }),
        },
      }, (res) => {
        // A peer is hostile input too: its answer is read up to a limit.
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > LIMITS.agentAnswer.value) {
            req.destroy();
            reject(new PodpathError(LIMITS.agentAnswer.code, `the agent at ${this.base} answered ${method} ${path} with more than ${LIMITS.agentAnswer.value} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(this.stalled ?? (e instanceof PodpathError ? e : this.unreachable(e))));
      });
      // Node starts a request's timeout only once its socket is connected: the connect has its own
      // timer (a SYN-ACK that never comes would otherwise wait for the kernel, about 130 s).
      const connectTimer = connected ? undefined : setTimeout(() => req.destroy(Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' })), CONNECT_TIMEOUT_MS);
      req.setTimeout(waitMs, () => req.destroy(this.stallError(method, path, waitMs, size)));
      req.on('socket', (s) => {
        const onConnect = () => {
          connected = true;
          clearTimeout(connectTimer);
        };
        if (connected || !s.connecting) onConnect();
        else s.once('connect', onConnect);
      });
      req.on('close', () => clearTimeout(connectTimer));
      req.on('error', (e) => reject(this.stalled ?? (e instanceof PodpathError ? e : this.unreachable(e))));
      req.end(payload);
    });
    if (status === 401) throw new PodpathError('E_AGENT_UNAUTHORIZED', `the agent at ${this.base} refused the token`);
    if (route.type === 'text' && status >= 200 && status <= 299) return text;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PodpathError('E_AGENT', `the agent at ${this.base} answered ${status} to ${method} ${path}, not with JSON`);
    }
    if (status < 200 || status > 299) {
      const err = json as { error?: unknown; message?: unknown };
      // The peer's words reach a terminal: control characters shown as escapes, clipped.
      const why = typeof err.error === 'string' ? `: ${displayLine(err.error, 64)}${typeof err.message === 'string' ? ` ${displayLine(err.message, 300)}` : ''}` : '';
      throw new AgentAnswerError(`the agent at ${this.base} answered ${status} to ${method} ${path}${why}`, status, typeof err.error === 'string' ? err.error.slice(0, 64) : undefined);
    }
    return json;
  }
}

function failWith(e: PodpathError): never {
  throw e;
}
