/** The playground server serves files only: the page, dist/src and zod; nothing outside them, no other methods. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../src/playground/server.js';
import { ensureBuilt } from '../helpers/playground_build.js';

describe('playground server', () => {
  let playground: Playground;

  beforeAll(async () => {
    ensureBuilt();
    playground = await startPlayground();
  }, 120_000);

  afterAll(async () => {
    await playground?.close();
  });

  /** GET with the path exactly as given. */
  function rawStatus(path: string): Promise<number> {
    const { hostname, port } = new URL(playground.url);
    return new Promise((resolve, reject) => {
      request({ hostname, port, path, method: 'GET' }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on('error', reject).end();
    });
  }

  it('listens on 127.0.0.1 on a free port', () => {
    expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the page with its import map, the compiled page module and zod', async () => {
    const page = await fetch(playground.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('"zod/mini": "/node_modules/zod/mini/index.js"');
    expect(html).toContain('src="/dist/src/playground/page/main.js"');
    const main = await fetch(new URL('dist/src/playground/page/main.js', playground.url));
    expect(main.status).toBe(200);
    expect(main.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const zod = await fetch(new URL('node_modules/zod/mini/index.js', playground.url));
    expect(zod.status).toBe(200);
    expect(await zod.text()).toContain('../v4/mini/external.js');
    expect((await fetch(new URL('node_modules/zod/v4/locales/en.js', playground.url))).status).toBe(200);
  });

  it('refuses paths outside its folders and anything but GET/HEAD', async () => {
    // Sent as is (fetch would normalize the dots away before they reach the server). Dot segments are resolved
    // like a URL (to /package.json: not served); encoded slashes survive to the file check, which refuses them.
    expect(await rawStatus('/dist/src/../../package.json')).toBe(404);
    expect(await rawStatus('/dist/src/%2e%2e/%2e%2e/package.json')).toBe(404);
    expect(await rawStatus('/static/..%2f..%2f..%2fpackage.json')).toBe(403);
    expect(await rawStatus('/node_modules/zod/..%2f..%2fpackage.json')).toBe(403);
    expect((await fetch(new URL('/package.json', playground.url))).status).toBe(404);
    expect((await fetch(new URL('/dist/bench/run.js', playground.url))).status).toBe(404);
    expect((await fetch(new URL('/dist/src/nope.js', playground.url))).status).toBe(404);
    expect((await fetch(playground.url, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('rejects bad options with the field and value', async () => {
    await expect(startPlayground({ port: -1 })).rejects.toThrow('startPlayground options.port must be an integer from 0 to 65535 (got -1)');
    await expect(startPlayground({ host: '' })).rejects.toThrow('startPlayground options.host must be a host name or address (got )');
  });

  it('reports a port in use as UNAVAILABLE', async () => {
    const port = Number(new URL(playground.url).port);
    await expect(startPlayground({ port })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
