import { describe, expect, it } from 'vitest';
import { PIPELINE_FILE, pipelineFilePath } from './revision-workflow.js';

// SVN keeps branches and tags as folders of one repository (trunk/, branches/<b>/, tags/<t>/),
// and its hook reports them as refs/heads/trunk, refs/heads/<b> and refs/tags/<t>.
describe('pipelineFilePath', () => {
  it('reads the file at the repository root for Git servers, whatever the ref', () => {
    for (const kind of ['GIT', 'GITHUB', 'GITLAB', 'BITBUCKET_SERVER', 'BITBUCKET_CLOUD'] as const) {
      expect(pipelineFilePath(kind, { ref: 'refs/heads/main' })).toBe(PIPELINE_FILE);
      expect(pipelineFilePath(kind, { ref: 'refs/tags/v1.0' })).toBe(PIPELINE_FILE);
      expect(pipelineFilePath(kind, { ref: 'refs/pull/7/head' })).toBe(PIPELINE_FILE);
    }
  });

  it('reads trunk/.cyclone.yaml for a commit to SVN trunk', () => {
    expect(pipelineFilePath('SVN', { ref: 'refs/heads/trunk' })).toBe('trunk/.cyclone.yaml');
  });

  it('reads branches/<branch>/.cyclone.yaml for a commit to an SVN branch', () => {
    expect(pipelineFilePath('SVN', { ref: 'refs/heads/feature' })).toBe('branches/feature/.cyclone.yaml');
    expect(pipelineFilePath('SVN', { ref: 'refs/heads/release-2.x' })).toBe('branches/release-2.x/.cyclone.yaml');
  });

  it('reads tags/<tag>/.cyclone.yaml for an SVN tag', () => {
    expect(pipelineFilePath('SVN', { ref: 'refs/tags/v1.0' })).toBe('tags/v1.0/.cyclone.yaml');
  });

  it('falls back to trunk for an SVN ref that names no branch or tag', () => {
    expect(pipelineFilePath('SVN', { ref: '' })).toBe('trunk/.cyclone.yaml');
    expect(pipelineFilePath('SVN', { ref: 'refs/pull/7/head' })).toBe('trunk/.cyclone.yaml');
  });
});
