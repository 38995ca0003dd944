import { createServer, type Server } from 'node:http';

/**
 * The `/metrics` listener, apart from the API port: Prometheus scrapes it from inside the cluster
 * network (a NetworkPolicy admits only Prometheus), it needs no credentials and holds counts, no
 * data. Anything but GET or HEAD /metrics is a 404.
 */
export async function listenMetrics(opts: {
  port: number;
  host: string;
  render: () => Promise<{ contentType: string; body: string }>;
  onError?: (err: unknown) => void;
}): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only GET /metrics is served on this port\n');
      return;
    }
    opts.render().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        opts.onError?.(err);
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n');
      },
    );
  });
  return await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
