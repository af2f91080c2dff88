// Fixtures in fixtures/github follow the response examples of the GitHub REST API
// documentation (docs.github.com/en/rest): "List repositories for the authenticated
// user" (repos/repos#list-repositories-for-the-authenticated-user), "List branches"
// (branches/branches#list-branches), "List repository tags" (repos/repos#list-repository-tags),
// "List pull requests" / "Get a pull request" (pulls/pulls), "Create a repository
// webhook" (webhooks/repos#create-a-repository-webhook) and "Create a commit status"
// (commits/statuses#create-a-commit-status).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowLoopbackTestServers } from '../../testing/outbound-policies.js';
import { createScmProvider } from './create-provider.js';
import { githubApiBase } from './github.provider.js';
import { ScmError } from './scm-provider.js';
import { fixture } from './testing/fixtures.js';
import { LoopbackServer } from './testing/loopback-server.js';

// The servers of these tests listen on 127.0.0.1 (the outbound policy refuses the rest).
allowLoopbackTestServers();

const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';

describe('GitHub provider (Enterprise base URL against a loopback server)', () => {
  let server: LoopbackServer;
  const provider = () =>
    createScmProvider({ type: 'GITHUB', config: { server: server.url }, secret: { token: 'ghp_test' } });

  beforeAll(async () => {
    server = await new LoopbackServer().start();
    server
      .on('GET /api/v3/user/repos?per_page=100', {
        body: fixture('github', 'list-repos'),
        headers: { link: `<${'URL'}/api/v3/user/repos?per_page=100&page=2>; rel="next"` },
      })
      .on('GET /api/v3/user/repos?per_page=100&page=2', { body: fixture('github', 'list-repos-page2') })
      .on('GET /api/v3/repos/octocat/Hello-World/branches', { body: fixture('github', 'list-branches') })
      .on('GET /api/v3/repos/octocat/Hello-World/tags', { body: fixture('github', 'list-tags') })
      .on('GET /api/v3/repos/octocat/Hello-World/pulls', { body: fixture('github', 'list-pulls') })
      .on('GET /api/v3/repos/octocat/Hello-World/pulls/1347', { body: fixture('github', 'pull-request') })
      .on('POST /api/v3/repos/octocat/Hello-World/hooks', { status: 201, body: fixture('github', 'create-hook') })
      .on('DELETE /api/v3/repos/octocat/Hello-World/hooks/12345678', { status: 204 })
      .on('DELETE /api/v3/repos/octocat/Hello-World/hooks/999', {
        status: 404,
        body: fixture('github', 'error-not-found'),
      })
      .on(`POST /api/v3/repos/octocat/Hello-World/statuses/${SHA}`, {
        status: 201,
        body: fixture('github', 'create-status'),
      });
    // The Link header must point back at this server.
    server.on('GET /api/v3/user/repos?per_page=100', {
      body: fixture('github', 'list-repos'),
      headers: { link: `<${server.url}/api/v3/user/repos?per_page=100&page=2>; rel="next"` },
    });
  });
  afterAll(() => server.stop());

  it('maps github.com to api.github.com and Enterprise servers to <server>/api/v3', () => {
    expect(githubApiBase('https://github.com')).toBe('https://api.github.com');
    expect(githubApiBase('https://api.github.com')).toBe('https://api.github.com');
    expect(githubApiBase('https://ghe.example.com/')).toBe('https://ghe.example.com/api/v3');
    expect(githubApiBase('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com/api/v3');
  });

  it('lists repositories across pages with the token as a Bearer header', async () => {
    expect(await provider().listRepos()).toEqual([
      { name: 'octocat/Hello-World', defaultBranch: 'master', cloneUrl: 'https://github.com/octocat/Hello-World.git' },
      { name: 'octocat/Spoon-Knife', defaultBranch: 'main', cloneUrl: 'https://github.com/octocat/Spoon-Knife.git' },
    ]);
    const [first] = server.find('GET', '/api/v3/user/repos');
    expect(first?.headers.authorization).toBe('Bearer ghp_test');
    expect(first?.headers['x-github-api-version']).toBe('2022-11-28');
  });

  it('lists branches, tags and open pull requests', async () => {
    const github = provider();
    expect(await github.listBranches('octocat/Hello-World')).toEqual([
      { name: 'master', revision: 'c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc' },
    ]);
    expect(await github.listTags('octocat/Hello-World')).toEqual([
      { name: 'v0.1', revision: 'c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc' },
    ]);
    expect(await github.listPullRequests('octocat/Hello-World')).toEqual([
      { number: 1347, title: 'Amazing new feature', sourceBranch: 'new-topic', targetBranch: 'master', headSha: SHA },
    ]);
    expect(server.find('GET', '/api/v3/repos/octocat/Hello-World/pulls')[0]?.url).toContain('state=open');
    expect(await github.getPullRequestHeadSha('octocat/Hello-World', 1347)).toBe(SHA);
  });

  it('creates a signed JSON webhook for push, pull request and comment events, and deletes it', async () => {
    const hook = await provider().createWebhook('octocat/Hello-World', {
      url: 'https://cyclone.example.com/webhooks/abc',
      secret: 'hook-secret',
    });
    expect(hook).toEqual({ id: '12345678' });
    expect(server.find('POST', '/api/v3/repos/octocat/Hello-World/hooks')[0]?.body).toEqual({
      name: 'web',
      active: true,
      events: ['push', 'pull_request', 'issue_comment'],
      config: {
        url: 'https://cyclone.example.com/webhooks/abc',
        content_type: 'json',
        secret: 'hook-secret',
        insecure_ssl: '0',
      },
    });
    await provider().deleteWebhook('octocat/Hello-World', '12345678');
    // A hook that is already gone is not an error.
    await provider().deleteWebhook('octocat/Hello-World', '999');
    expect(server.find('DELETE', '/api/v3/repos/octocat/Hello-World/hooks/12345678')).toHaveLength(1);
  });

  it('sets a commit status with a link to the run', async () => {
    await provider().setCommitStatus('octocat/Hello-World', SHA, {
      state: 'success',
      targetUrl: 'https://cyclone.example.com/projects/p/workflows/w/runs/1',
      description: 'Cyclone run #1 succeeded',
      context: 'cyclone/w',
    });
    expect(server.find('POST', `/api/v3/repos/octocat/Hello-World/statuses/${SHA}`)[0]?.body).toEqual({
      state: 'success',
      target_url: 'https://cyclone.example.com/projects/p/workflows/w/runs/1',
      description: 'Cyclone run #1 succeeded',
      context: 'cyclone/w',
    });
  });

  it('reports server errors with the status and its standard reason (never the body), and unreachable servers', async () => {
    const error = await provider()
      .listBranches('octocat/missing')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScmError);
    expect((error as ScmError).status).toBe(404);
    expect((error as ScmError).message).toMatch(/answered 404: Not Found/);
    const gone = await new LoopbackServer().start();
    await gone.stop();
    const closed = createScmProvider({ type: 'GITHUB', config: { server: gone.url }, secret: {} });
    await expect(closed.listRepos()).rejects.toThrow(/ECONNREFUSED/);
    await expect(provider().listBranches('no-slash')).rejects.toThrow(/owner\/name/);
  });
});
