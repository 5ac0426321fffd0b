import { randomBytes } from 'node:crypto';
import http from 'node:http';

/**
 * Nextcloud Login Flow v2's two endpoints, as Nextcloud speaks them
 * (https://docs.nextcloud.com/server/latest/developer_manual/client_apis/LoginFlow/):
 * `POST /index.php/login/v2` → `{poll: {token, endpoint}, login}`; `POST /index.php/login/v2/poll`
 * with `token=…` → 404 until the person granted access in the browser, then (once)
 * `{server, loginName, appPassword}`. `grant()` is what the person does in the browser.
 * Also `DELETE /ocs/v2.php/core/apppassword` (basic auth), recorded in `revoked`.
 */
export interface LoginFlowStandin {
  /** The stand-in's own address (the front server proxies to it). */
  readonly directUrl: string;
  /** Flows started, by the login URL handed out. */
  readonly flows: Map<
    string,
    { token: string; userAgent: string; granted?: { loginName: string; appPassword: string } }
  >;
  /** Authorization headers of app password deletions. */
  readonly revoked: string[];
  /** The person signs in at `loginUrl` and grants access. */
  grant(loginUrl: string, loginName: string, appPassword: string): void;
  close(): Promise<void>;
}

export async function startLoginFlowStandin(publicUrl: string): Promise<LoginFlowStandin> {
  const flows: LoginFlowStandin['flows'] = new Map();
  const revoked: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (req.method === 'POST' && req.url === '/index.php/login/v2') {
        const token = randomBytes(32).toString('hex');
        const login = `${publicUrl}/index.php/login/v2/flow/${randomBytes(16).toString('hex')}`;
        flows.set(login, { token, userAgent: req.headers['user-agent'] ?? '' });
        return json(200, {
          poll: { token, endpoint: `${publicUrl}/index.php/login/v2/poll` },
          login,
        });
      }
      if (req.method === 'POST' && req.url === '/index.php/login/v2/poll') {
        const token = new URLSearchParams(body).get('token');
        for (const [login, f] of flows) {
          if (f.token !== token || !f.granted) continue;
          flows.delete(login); // the credentials are handed out once
          return json(200, { server: publicUrl, ...f.granted });
        }
        return json(404, []);
      }
      if (req.method === 'DELETE' && req.url === '/ocs/v2.php/core/apppassword') {
        revoked.push(req.headers.authorization ?? '');
        return json(200, { ocs: { meta: { status: 'ok' }, data: [] } });
      }
      json(404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return {
    directUrl: `http://127.0.0.1:${port}`,
    flows,
    revoked,
    grant: (loginUrl, loginName, appPassword) => {
      const f = flows.get(loginUrl);
      if (!f) throw new Error('no such login flow');
      f.granted = { loginName, appPassword };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
