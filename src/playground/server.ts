/**
 * `gpuhal playground`: a static file server for the browser playground. It serves the page (static/), the compiled
 * package (dist/src/, as native ES modules) and zod's ESM build (the page's import map points the bare "zod/mini" import
 * there). It executes nothing: the core, the simulator and the lessons all run inside the page.
 *
 * Listens on 127.0.0.1 by default; port 0 (the default) picks a free port, reported in `url`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HalError, StatusCode, invalidArgument } from '../core/errors.js';
import { ignoreErrors } from '../util/ignore_errors.js';

export interface PlaygroundOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on; default 127.0.0.1 (the playground is for this machine). */
  readonly host?: string;
}

export interface Playground {
  /** The page's address, e.g. http://127.0.0.1:41234/ */
  readonly url: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** The page's entry module, relative to the package root: without it there is nothing to serve. */
export const PAGE_ENTRY = 'dist/src/playground/page/main.js';

export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  if (options === null || typeof options !== 'object') throw invalidArgument(`startPlayground options must be an object (got ${String(options)})`);
  const { port = 0, host = '127.0.0.1' } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalidArgument(`startPlayground options.port must be an integer from 0 to 65535 (got ${String(port)})`);
  if (typeof host !== 'string' || host === '') throw invalidArgument(`startPlayground options.host must be a host name or address (got ${String(host)})`);

  const root = packageRoot();
  if (!existsSync(join(root, PAGE_ENTRY))) {
    throw new HalError(StatusCode.FAILED_PRECONDITION, `the playground page is not built (${PAGE_ENTRY} is missing under ${root}): run npm run build`);
  }
  const mounts: readonly Mount[] = [
    { prefix: '/static/', dir: join(root, 'src', 'playground', 'static') },
    { prefix: '/dist/src/', dir: join(root, 'dist', 'src') },
    { prefix: '/node_modules/zod/', dir: zodDirectory(root) },
  ];
  const index = join(root, 'src', 'playground', 'static', 'index.html');

  const server = createServer((request, response) => {
    serve(request, response, mounts, index).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, `playground server error: ${error instanceof Error ? error.message : String(error)}`);
      else response.destroy();
    });
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      rejectListen(new HalError(StatusCode.UNAVAILABLE, `the playground cannot listen on ${host}:${port}: ${error.code ?? ''} ${error.message}`.trim(), { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${actualPort}/`,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

interface Mount {
  readonly prefix: string;
  readonly dir: string;
}

async function serve(request: IncomingMessage, response: ServerResponse, mounts: readonly Mount[], index: string): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, `${request.method ?? '?'} is not supported: the playground only serves files`);
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url ?? '/', 'http://playground').pathname);
  } catch {
    return send(response, 400, 'malformed path');
  }
  if (path === '/' || path === '/index.html') return sendFile(request, response, index);
  for (const mount of mounts) {
    if (!path.startsWith(mount.prefix)) continue;
    const file = resolve(mount.dir, `.${sep}${path.slice(mount.prefix.length)}`);
    // Never outside the mounted folder (no "..", no absolute paths smuggled in).
    if (!file.startsWith(mount.dir + sep)) return send(response, 403, `${path} is outside ${mount.prefix}`);
    return sendFile(request, response, file);
  }
  return send(response, 404, `${path} is not part of the playground`);
}

async function sendFile(request: IncomingMessage, response: ServerResponse, file: string): Promise<void> {
  const type = CONTENT_TYPES[extname(file)];
  const info = await stat(file).catch(() => undefined);
  if (type === undefined || info === undefined || !info.isFile()) return send(response, 404, `${request.url ?? ''} not found`);
  const body = await readFile(file);
  response.writeHead(200, { 'content-type': type, 'content-length': body.byteLength, 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  response.end(`${text}\n`);
}

/** The gpuhal package folder, found upward from this module (it runs from src/ under vitest, from dist/src/ when built). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      let ours = false;
      ignoreErrors('not a readable manifest: keep looking upward', () => {
        ours = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'gpuhal';
      });
      if (ours) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new HalError(StatusCode.NOT_FOUND, `cannot find the gpuhal package folder above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** zod's folder as Node would find it from the package (its own node_modules, or a parent's when hoisted). */
function zodDirectory(root: string): string {
  for (let dir = root; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'zod');
    if (existsSync(join(candidate, 'index.js'))) return candidate;
    if (dirname(dir) === dir) throw new HalError(StatusCode.NOT_FOUND, `cannot find zod's ESM build (node_modules/zod/index.js) above ${root}`);
  }
}
