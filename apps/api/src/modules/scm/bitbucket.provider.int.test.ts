// Bitbucket Server fixtures (fixtures/bitbucket-server) follow the examples of the
// Bitbucket Server REST API reference (docs.atlassian.com/bitbucket-server/rest/5.16.0/
// bitbucket-rest.html): GET /rest/api/1.0/repos, .../branches, .../tags and
// .../pull-requests, "Create webhook" (POST .../webhooks), and the build status API
// (bitbucket-build-rest.html, POST /rest/build-status/1.0/commits/{commitId}).
// Bitbucket Cloud fixtures (fixtures/bitbucket-cloud) follow developer.atlassian.com/
// cloud/bitbucket/rest: "List repositories", "List open branches", "List tags",
// "List pull requests", "Create a webhook for a repository" and "Create a build status
// for a commit".

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowLoopbackTestServers } from '../../testing/outbound-policies.js';
import { isBitbucketCloud } from './bitbucket-cloud.provider.js';
import { createScmProvider } from './create-provider.js';
import { fixture } from './testing/fixtures.js';
import { LoopbackServer } from './testing/loopback-server.js';

// The servers of these tests listen on 127.0.0.1 (the outbound policy refuses the rest).
allowLoopbackTestServers();

describe('Bitbucket Server provider against a loopback server', () => {
  let server: LoopbackServer;
  const REPO = '/rest/api/1.0/projects/PRJ/repos/my-repo';
  const provider = (secret: Record<string, string> = { token: 'bbs-token' }, username?: string) =>
    createScmProvider({ type: 'BITBUCKET', config: { server: server.url, username }, secret });

  beforeAll(async () => {
    server = await new LoopbackServer().start();
    server
      .on('GET /rest/api/1.0/repos?limit=100&start=0', { body: fixture('bitbucket-server', 'list-repos') })
      .on(`GET ${REPO}/branches?limit=100&start=0`, { body: fixture('bitbucket-server', 'list-branches-page1') })
      .on(`GET ${REPO}/branches?limit=100&start=1`, { body: fixture('bitbucket-server', 'list-branches-page2') })
      .on(`GET ${REPO}/tags?limit=100&start=0`, { body: fixture('bitbucket-server', 'list-tags') })
      .on(`GET ${REPO}/pull-requests?state=OPEN&limit=100&start=0`, {
        body: fixture('bitbucket-server', 'list-pull-requests'),
      })
      .on(`GET ${REPO}/pull-requests/101`, { body: fixture('bitbucket-server', 'pull-request') })
      .on(`POST ${REPO}/webhooks`, { status: 201, body: fixture('bitbucket-server', 'create-webhook') })
      .on(`DELETE ${REPO}/webhooks/10`, { status: 204 })
      .on('POST /rest/build-status/1.0/commits/babecafebabecafebabecafebabecafebabecafe', { status: 204 });
  });
  afterAll(() => server.stop());

  it('tells Bitbucket Cloud from Bitbucket Server by the server URL', () => {
    expect(isBitbucketCloud('https://bitbucket.org')).toBe(true);
    expect(isBitbucketCloud('https://api.bitbucket.org/2.0')).toBe(true);
    expect(isBitbucketCloud('http://127.0.0.1:9/2.0')).toBe(true);
    expect(isBitbucketCloud('https://bitbucket.example.com')).toBe(false);
  });

  it('lists repositories, branches over pages, tags and pull requests', async () => {
    const bitbucket = provider();
    expect(await bitbucket.listRepos()).toEqual([
      { name: 'PRJ/my-repo', cloneUrl: 'https://bitbucket.example.com/scm/PRJ/my-repo.git' },
    ]);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer bbs-token');
    expect(await bitbucket.listBranches('PRJ/my-repo')).toEqual([
      { name: 'master', revision: '8d51122def5632836d1cb1026e879069e10a1e13' },
      { name: 'feature', revision: '1f51122def5632836d1cb1026e879069e10a1e13' },
    ]);
    expect(await bitbucket.listTags('PRJ/my-repo')).toEqual([
      { name: 'v1.0', revision: '8d51122def5632836d1cb1026e879069e10a1e13' },
    ]);
    expect(await bitbucket.listPullRequests('PRJ/my-repo')).toEqual([
      {
        number: 101,
        title: 'Talking Nerdy',
        sourceBranch: 'feature-ABC-123',
        targetBranch: 'master',
        headSha: 'babecafebabecafebabecafebabecafebabecafe',
      },
    ]);
    expect(await bitbucket.getPullRequestHeadSha('PRJ/my-repo', 101)).toBe('babecafebabecafebabecafebabecafebabecafe');
  });

  it('creates a signed webhook, deletes it, and posts build statuses, with Basic auth for user and password', async () => {
    const bitbucket = provider({ password: 'pw' }, 'admin');
    expect(await bitbucket.createWebhook('PRJ/my-repo', { url: 'https://c.example/webhooks/1', secret: 's' })).toEqual({
      id: '10',
    });
    const created = server.find('POST', `${REPO}/webhooks`)[0];
    expect(created?.headers.authorization).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
    expect(created?.body).toEqual({
      name: 'cyclone',
      url: 'https://c.example/webhooks/1',
      active: true,
      events: ['repo:refs_changed', 'pr:opened', 'pr:from_ref_updated', 'pr:comment:added'],
      configuration: { secret: 's' },
    });
    await bitbucket.deleteWebhook('PRJ/my-repo', '10');
    expect(server.find('DELETE', `${REPO}/webhooks/10`)).toHaveLength(1);
    await bitbucket.setCommitStatus('PRJ/my-repo', 'babecafebabecafebabecafebabecafebabecafe', {
      state: 'pending',
      targetUrl: 'https://c.example/run',
      description: 'Cyclone run #1 is running',
      context: 'cyclone/ci',
    });
    expect(
      server.find('POST', '/rest/build-status/1.0/commits/babecafebabecafebabecafebabecafebabecafe')[0]?.body,
    ).toEqual({
      state: 'INPROGRESS',
      key: 'cyclone/ci',
      name: 'cyclone/ci',
      url: 'https://c.example/run',
      description: 'Cyclone run #1 is running',
    });
  });
});

describe('Bitbucket Cloud provider against a loopback server', () => {
  let server: LoopbackServer;
  const REPO = '/2.0/repositories/atlassian_tutorial/helloworld';
  const provider = () =>
    createScmProvider({
      type: 'BITBUCKET',
      config: { server: `${server.url}/2.0`, username: 'me' },
      secret: { password: 'app-pw' },
    });

  beforeAll(async () => {
    server = await new LoopbackServer().start();
    server
      .on('GET /2.0/repositories?role=member&pagelen=100', () => ({
        body: {
          ...(fixture('bitbucket-cloud', 'list-repositories') as object),
          next: `${server.url}/2.0/repositories?role=member&pagelen=100&page=2`,
        },
      }))
      .on('GET /2.0/repositories?role=member&pagelen=100&page=2', { body: { pagelen: 100, values: [] } })
      .on(`GET ${REPO}/refs/branches?pagelen=100`, { body: fixture('bitbucket-cloud', 'list-branches') })
      .on(`GET ${REPO}/refs/tags?pagelen=100`, { body: fixture('bitbucket-cloud', 'list-tags') })
      .on(`GET ${REPO}/pullrequests?state=OPEN&pagelen=50`, { body: fixture('bitbucket-cloud', 'list-pull-requests') })
      .on(`GET ${REPO}/pullrequests/7`, { body: fixture('bitbucket-cloud', 'pull-request') })
      .on(`POST ${REPO}/hooks`, { status: 201, body: fixture('bitbucket-cloud', 'create-hook') })
      .on(`DELETE ${REPO}/hooks/%7B5c3e4a1b-7d0c-4b2f-9a8e-3f6d1c2b4a5e%7D`, { status: 204 })
      .on(`POST ${REPO}/commit/a1b2c3d4e5f6/statuses/build`, {
        status: 201,
        body: fixture('bitbucket-cloud', 'create-build-status'),
      });
  });
  afterAll(() => server.stop());

  it('lists repositories following `next`, branches, tags and pull requests with Basic auth', async () => {
    const cloud = provider();
    expect(await cloud.listRepos()).toEqual([
      {
        name: 'atlassian_tutorial/helloworld',
        defaultBranch: 'master',
        cloneUrl: 'https://bitbucket.org/atlassian_tutorial/helloworld.git',
      },
    ]);
    expect(server.find('GET', '/2.0/repositories')).toHaveLength(2);
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('me:app-pw').toString('base64')}`);
    expect(await cloud.listBranches('atlassian_tutorial/helloworld')).toEqual([
      { name: 'master', revision: '1d3c5a1b9a9e2a06c9b1c06a1c3c4a0e1f2b3c4d' },
    ]);
    expect(await cloud.listTags('atlassian_tutorial/helloworld')).toEqual([
      { name: 'v1.0', revision: '1d3c5a1b9a9e2a06c9b1c06a1c3c4a0e1f2b3c4d' },
    ]);
    expect(await cloud.listPullRequests('atlassian_tutorial/helloworld')).toEqual([
      { number: 7, title: 'Add feature', sourceBranch: 'feature', targetBranch: 'master', headSha: 'a1b2c3d4e5f6' },
    ]);
    expect(await cloud.getPullRequestHeadSha('atlassian_tutorial/helloworld', 7)).toBe('a1b2c3d4e5f6');
  });

  it('creates and deletes a signed webhook and posts a build status', async () => {
    const cloud = provider();
    const hook = await cloud.createWebhook('atlassian_tutorial/helloworld', {
      url: 'https://c.example/webhooks/1',
      secret: 's',
    });
    expect(hook).toEqual({ id: '{5c3e4a1b-7d0c-4b2f-9a8e-3f6d1c2b4a5e}' });
    expect(server.find('POST', `${REPO}/hooks`)[0]?.body).toEqual({
      description: 'cyclone',
      url: 'https://c.example/webhooks/1',
      active: true,
      secret: 's',
      events: ['repo:push', 'pullrequest:created', 'pullrequest:updated', 'pullrequest:comment_created'],
    });
    await cloud.deleteWebhook('atlassian_tutorial/helloworld', hook.id);
    expect(server.find('DELETE', `${REPO}/hooks/%7B5c3e4a1b-7d0c-4b2f-9a8e-3f6d1c2b4a5e%7D`)).toHaveLength(1);
    await cloud.setCommitStatus('atlassian_tutorial/helloworld', 'a1b2c3d4e5f6', {
      state: 'error',
      targetUrl: 'https://c.example/run',
      description: 'Cyclone run #2 was cancelled',
      context: 'cyclone/ci',
    });
    expect(server.find('POST', `${REPO}/commit/a1b2c3d4e5f6/statuses/build`)[0]?.body).toMatchObject({
      state: 'STOPPED',
      key: 'cyclone/ci',
    });
  });
});
