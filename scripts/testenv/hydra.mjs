#!/usr/bin/env node
// Ory Hydra, a real OpenID Connect provider, for the single sign-on tests: built once
// from its Go module (build-go-tool.sh hydra, cached like the control-plane binaries) and
// started on loopback with an in-memory SQLite store, plus the login and consent app
// Hydra sends browsers to. Hydra leaves who the user is to that app: it accepts a
// login for a subject and a consent with the ID token claims, through Hydra's admin
// API (https://www.ory.sh/docs/hydra/guides/login, .../guides/consent).
//
// Library:
//   import { startHydra } from './hydra.mjs';
//   const hydra = await startHydra({ users: { alice: { email, email_verified: true, name, groups } } });
//   await hydra.createClient({ clientId, clientSecret, redirectUris });
//   hydra.issuer            // http://127.0.0.1:<port>/
//   hydra.acceptLogin(challenge, 'alice') / hydra.acceptConsent(challenge)   // for tests that act as the browser
//   await hydra.stop();
//
// The login app (hydra.loginAppUrl) shows one "Sign in as <email>" button per user
// for a browser; the consent step is accepted at once with the user's claims.
//
// CLI (by hand): node scripts/testenv/hydra.mjs   # starts one with a demo user, prints its URLs
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePorts, goToolBinary, startToolProcess } from './tool-process.mjs';

/** Builds Hydra if needed (minutes the first time) and returns the path of the binary. */
export async function hydraBinary() {
  return process.env.CYCLONE_TESTENV_HYDRA ?? (await goToolBinary('hydra'));
}

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * @param {{ users?: Record<string, {email: string, email_verified?: boolean, name?: string, groups?: string[]}>, binary?: string }} options
 */
export async function startHydra(options = {}) {
  const users = { ...(options.users ?? {}) };
  const binary = options.binary ?? (await hydraBinary());
  const [publicPort, adminPort] = await freePorts(2);
  const issuer = `http://127.0.0.1:${publicPort}/`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;

  async function admin(method, path, body) {
    const response = await fetch(`${adminUrl}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`hydra admin ${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Accepts the login of `subject`; returns where the browser goes next. */
  async function acceptLogin(challenge, subject) {
    const query = `login_challenge=${encodeURIComponent(challenge)}`;
    await admin('GET', `/admin/oauth2/auth/requests/login?${query}`);
    const accepted = await admin('PUT', `/admin/oauth2/auth/requests/login/accept?${query}`, {
      subject,
      remember: false,
    });
    return accepted.redirect_to;
  }

  /** Grants what the client asked for, with the subject's claims in the ID token; returns where the browser goes next. */
  async function acceptConsent(challenge) {
    const query = `consent_challenge=${encodeURIComponent(challenge)}`;
    const request = await admin('GET', `/admin/oauth2/auth/requests/consent?${query}`);
    const user = users[request.subject];
    if (!user) throw new Error(`hydra test login: no user "${request.subject}"`);
    const accepted = await admin('PUT', `/admin/oauth2/auth/requests/consent/accept?${query}`, {
      grant_scope: request.requested_scope,
      grant_access_token_audience: request.requested_access_token_audience,
      remember: false,
      session: { id_token: { ...user } },
    });
    return accepted.redirect_to;
  }

  // The login and consent app Hydra sends browsers to.
  const app = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://app');
      if (req.method === 'GET' && url.pathname === '/login') {
        const challenge = url.searchParams.get('login_challenge') ?? '';
        const buttons = Object.entries(users)
          .map(
            ([subject, user]) =>
              `<button type="submit" name="subject" value="${escapeHtml(subject)}">Sign in as ${escapeHtml(user.email)}</button>`,
          )
          .join('\n');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><title>Test identity provider</title><h1>Test identity provider</h1>` +
            `<form method="post" action="/login"><input type="hidden" name="challenge" value="${escapeHtml(challenge)}">${buttons}</form>`,
        );
        return;
      }
      if (req.method === 'POST' && url.pathname === '/login') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const form = new URLSearchParams(body);
        const next = await acceptLogin(form.get('challenge') ?? '', form.get('subject') ?? '');
        res.writeHead(303, { location: next });
        res.end();
        return;
      }
      if (req.method === 'GET' && url.pathname === '/consent') {
        const next = await acceptConsent(url.searchParams.get('consent_challenge') ?? '');
        res.writeHead(302, { location: next });
        res.end();
        return;
      }
      res.writeHead(404);
      res.end();
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error?.message ?? error));
    }
  });
  await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
  const loginAppUrl = `http://127.0.0.1:${app.address().port}`;

  const { logFile, stop } = await startToolProcess({
    name: 'hydra',
    binary,
    args: () => ['serve', 'all', '--dev'],
    env: {
      DSN: 'memory',
      SECRETS_SYSTEM: randomBytes(24).toString('hex'),
      URLS_SELF_ISSUER: issuer,
      URLS_LOGIN: `${loginAppUrl}/login`,
      URLS_CONSENT: `${loginAppUrl}/consent`,
      SERVE_PUBLIC_HOST: '127.0.0.1',
      SERVE_PUBLIC_PORT: String(publicPort),
      SERVE_ADMIN_HOST: '127.0.0.1',
      SERVE_ADMIN_PORT: String(adminPort),
      LOG_LEVEL: 'warn',
      SQA_OPT_OUT: 'true',
    },
    ready: async () => {
      const [ready, discovery] = await Promise.all([
        fetch(`${adminUrl}/health/ready`),
        fetch(`${issuer}.well-known/openid-configuration`),
      ]);
      return ready.ok && discovery.ok;
    },
    onStop: () => new Promise((resolve) => app.close(() => resolve())),
  });

  return {
    issuer,
    adminUrl,
    loginAppUrl,
    logFile,
    /** Registers a confidential client of the authorization code flow. */
    createClient: ({ clientId, clientSecret, redirectUris, scope = 'openid email profile groups' }) =>
      admin('POST', '/admin/clients', {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        scope,
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    /** Adds or replaces a user the login app knows (subject -> ID token claims). */
    setUser: (subject, claims) => {
      users[subject] = claims;
    },
    acceptLogin,
    acceptConsent,
    stop,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const hydra = await startHydra({
    users: { demo: { email: 'demo@example.test', email_verified: true, name: 'Demo', groups: ['demo'] } },
  });
  await hydra.createClient({
    clientId: 'cyclone',
    clientSecret: 'cyclone-test-secret',
    redirectUris: [process.env.REDIRECT_URL ?? 'http://127.0.0.1:3000/login/sso'],
  });
  console.log(JSON.stringify({ issuer: hydra.issuer, admin: hydra.adminUrl, loginApp: hydra.loginAppUrl }));
  console.log('client cyclone / cyclone-test-secret; Ctrl-C stops it');
  process.on('SIGINT', () => hydra.stop().then(() => process.exit(0)));
}
