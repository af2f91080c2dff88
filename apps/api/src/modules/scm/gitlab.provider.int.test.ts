// Fixtures in fixtures/gitlab follow the response examples of the GitLab REST API v4
// documentation (docs.gitlab.com/api): "List all projects" (projects.md), "List
// repository branches" (branches.md), "List project repository tags" (tags.md), "List
// project merge requests" / "Get single MR" (merge_requests.md), "Add a webhook to a
// project" (project_webhooks.md) and "Set the pipeline status of a commit" (commits.md).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowLoopbackTestServers } from '../../testing/outbound-policies.js';
import { createScmProvider } from './create-provider.js';
import { fixture } from './testing/fixtures.js';
import { LoopbackServer } from './testing/loopback-server.js';

// The servers of these tests listen on 127.0.0.1 (the outbound policy refuses the rest).
allowLoopbackTestServers();

const PROJECT = '/api/v4/projects/diaspora%2Fdiaspora-client';

describe('GitLab provider against a loopback server', () => {
  let server: LoopbackServer;
  const provider = () =>
    createScmProvider({ type: 'GITLAB', config: { server: `${server.url}/` }, secret: { token: 'glpat-x' } });

  beforeAll(async () => {
    server = await new LoopbackServer().start();
    server
      .on('GET /api/v4/projects?membership=true&simple=true&per_page=100&page=1', {
        body: fixture('gitlab', 'list-projects'),
        headers: { 'x-next-page': '2' },
      })
      .on('GET /api/v4/projects?membership=true&simple=true&per_page=100&page=2', {
        body: [],
        headers: { 'x-next-page': '' },
      })
      .on(`GET ${PROJECT}/repository/branches`, { body: fixture('gitlab', 'list-branches') })
      .on(`GET ${PROJECT}/repository/tags`, { body: fixture('gitlab', 'list-tags') })
      .on(`GET ${PROJECT}/merge_requests`, { body: fixture('gitlab', 'list-merge-requests') })
      .on(`GET ${PROJECT}/merge_requests/1`, { body: fixture('gitlab', 'merge-request') })
      .on(`POST ${PROJECT}/hooks`, { status: 201, body: fixture('gitlab', 'create-hook') })
      .on(`DELETE ${PROJECT}/hooks/1`, { status: 204 })
      .on(`POST ${PROJECT}/statuses/8888888888888888888888888888888888888888`, {
        status: 201,
        body: fixture('gitlab', 'create-status'),
      });
  });
  afterAll(() => server.stop());

  it('lists projects page by page with the PRIVATE-TOKEN header', async () => {
    expect(await provider().listRepos()).toEqual([
      {
        name: 'diaspora/diaspora-client',
        defaultBranch: 'main',
        cloneUrl: 'https://gitlab.example.com/diaspora/diaspora-client.git',
      },
    ]);
    const sent = server.find('GET', '/api/v4/projects');
    expect(sent).toHaveLength(2);
    expect(sent[0]?.headers['private-token']).toBe('glpat-x');
  });

  it('lists branches, tags and open merge requests of a project addressed by its encoded path', async () => {
    const gitlab = provider();
    expect(await gitlab.listBranches('diaspora/diaspora-client')).toEqual([
      { name: 'main', revision: '7b5c3cc8be40ee161ae89a06bba6229da1032a0c' },
    ]);
    expect(await gitlab.listTags('diaspora/diaspora-client')).toEqual([
      { name: 'v1.0.0', revision: '2695effb5807a22ff3d138d593fd856244e155e7' },
    ]);
    expect(await gitlab.listPullRequests('diaspora/diaspora-client')).toEqual([
      { number: 1, title: 'test1', sourceBranch: 'test1', targetBranch: 'main', headSha: '8'.repeat(40) },
    ]);
    expect(server.find('GET', `${PROJECT}/merge_requests`)[0]?.url).toContain('state=opened');
    expect(await gitlab.getPullRequestHeadSha('diaspora/diaspora-client', 1)).toBe('8'.repeat(40));
  });

  it('creates a hook with the secret token for push, tag, merge request and note events, and deletes it', async () => {
    const hook = await provider().createWebhook('diaspora/diaspora-client', {
      url: 'https://c.example/webhooks/1',
      secret: 's',
    });
    expect(hook).toEqual({ id: '1' });
    expect(server.find('POST', `${PROJECT}/hooks`)[0]?.body).toEqual({
      url: 'https://c.example/webhooks/1',
      token: 's',
      push_events: true,
      tag_push_events: true,
      merge_requests_events: true,
      note_events: true,
      enable_ssl_verification: true,
    });
    await provider().deleteWebhook('diaspora/diaspora-client', '1');
    expect(server.find('DELETE', `${PROJECT}/hooks/1`)).toHaveLength(1);
  });

  it("posts commit statuses in GitLab's vocabulary", async () => {
    for (const state of ['pending', 'failure'] as const) {
      await provider().setCommitStatus('diaspora/diaspora-client', '8'.repeat(40), {
        state,
        targetUrl: 'https://c.example/run',
        description: 'Cyclone run #3',
        context: 'cyclone/ci',
      });
    }
    const posted = server.find('POST', `${PROJECT}/statuses/${'8'.repeat(40)}`).map((r) => r.body);
    expect(posted).toEqual([
      { state: 'pending', target_url: 'https://c.example/run', description: 'Cyclone run #3', name: 'cyclone/ci' },
      { state: 'failed', target_url: 'https://c.example/run', description: 'Cyclone run #3', name: 'cyclone/ci' },
    ]);
  });
});
