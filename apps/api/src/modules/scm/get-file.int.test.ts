// Raw file endpoints as their API documentation describes them: GitHub "Get repository
// content" (docs.github.com/en/rest/repos/contents: JSON with base64 `content`), GitLab
// "Get raw file from repository" (docs.gitlab.com/ee/api/repository_files.html:
// GET /projects/:id/repository/files/:file_path/raw?ref=), Bitbucket Server "Get raw
// content of a file at revision" (GET /rest/api/1.0/projects/{key}/repos/{slug}/raw/{path}?at=)
// and Bitbucket Cloud "Get file or directory contents" (GET /2.0/repositories/{workspace}/{slug}/src/{commit}/{path}).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowLoopbackTestServers } from '../../testing/outbound-policies.js';
import { createScmProvider } from './create-provider.js';
import { LoopbackServer } from './testing/loopback-server.js';

// The servers of these tests listen on 127.0.0.1 (the outbound policy refuses the rest).
allowLoopbackTestServers();

const SHA = '7fd1a60b01f91b314f59955a4e4d4e80d8edf11d';
const YAML = 'apiVersion: cyclone.dev/v1alpha1\nkind: Workflow\n';

describe('ScmProvider.getFile over HTTP APIs', () => {
  let server: LoopbackServer;

  beforeAll(async () => {
    server = await new LoopbackServer().start();
    server
      .on(`GET /api/v3/repos/octocat/Hello-World/contents/.cyclone.yaml?ref=${SHA}`, {
        body: {
          type: 'file',
          encoding: 'base64',
          size: YAML.length,
          name: '.cyclone.yaml',
          path: '.cyclone.yaml',
          content: `${Buffer.from(YAML).toString('base64').slice(0, 20)}\n${Buffer.from(YAML).toString('base64').slice(20)}`,
        },
      })
      .on(`GET /api/v4/projects/group%2Fsub%2Fproject/repository/files/.cyclone.yaml/raw?ref=${SHA}`, { raw: YAML })
      .on(`GET /rest/api/1.0/projects/PRJ/repos/app/raw/.cyclone.yaml?at=${SHA}`, { raw: YAML })
      .on(`GET /2.0/repositories/team/app/src/${SHA}/.cyclone.yaml`, { raw: YAML })
      .on(`GET /api/v4/projects/group%2Fsub%2Fproject/repository/files/secret.yaml/raw?ref=${SHA}`, {
        status: 403,
        body: { message: '403 Forbidden' },
      });
  });
  afterAll(() => server.stop());

  const providers = () => ({
    github: createScmProvider({ type: 'GITHUB', config: { server: server.url }, secret: { token: 't' } }),
    gitlab: createScmProvider({ type: 'GITLAB', config: { server: server.url }, secret: { token: 't' } }),
    bitbucketServer: createScmProvider({
      type: 'BITBUCKET',
      config: { server: server.url, username: 'u' },
      secret: { password: 'p' },
    }),
    bitbucketCloud: createScmProvider({
      type: 'BITBUCKET',
      config: { server: `${server.url}/2.0`, username: 'u' },
      secret: { password: 'p' },
    }),
  });

  it('reads the file at the commit from each server', async () => {
    const p = providers();
    expect(await p.github.getFile('octocat/Hello-World', '.cyclone.yaml', SHA)).toBe(YAML);
    expect(await p.gitlab.getFile('group/sub/project', '.cyclone.yaml', SHA)).toBe(YAML);
    expect(await p.bitbucketServer.getFile('PRJ/app', '.cyclone.yaml', SHA)).toBe(YAML);
    expect(await p.bitbucketCloud.getFile('team/app', '.cyclone.yaml', SHA)).toBe(YAML);
    expect(
      server.find('GET', '/api/v4/projects/group%2Fsub%2Fproject/repository/files/.cyclone.yaml/raw')[0]?.headers[
        'private-token'
      ],
    ).toBe('t');
  });

  it('answers undefined for a file the server does not have (404), and fails on other answers', async () => {
    const p = providers();
    expect(await p.github.getFile('octocat/Hello-World', 'missing.yaml', SHA)).toBeUndefined();
    expect(await p.bitbucketCloud.getFile('team/app', 'missing.yaml', SHA)).toBeUndefined();
    await expect(p.gitlab.getFile('group/sub/project', 'secret.yaml', SHA)).rejects.toThrow(/answered 403/);
  });
});
