import { describe, expect, it } from 'vitest';
import { outsideFolder, sandboxPath, workspaceSegments } from './stage-paths.js';

describe('stage paths', () => {
  it('reads /workspace/x and x as the same place in the run workspace', () => {
    expect(workspaceSegments('/workspace/src')).toEqual(['src']);
    expect(workspaceSegments('src')).toEqual(['src']);
    expect(workspaceSegments('./src/')).toEqual(['src']);
    expect(workspaceSegments('/workspace')).toEqual([]);
    expect(workspaceSegments('.')).toEqual([]);
    expect(sandboxPath('src')).toBe('/workspace/src');
    expect(sandboxPath('/workspace/src/../bin')).toBe('/workspace/bin');
    expect(sandboxPath('.')).toBe('/workspace');
  });

  it('keeps other absolute paths in the workspace under their own top-level folder', () => {
    expect(workspaceSegments('/go/src/app')).toEqual(['go', 'src', 'app']);
    expect(outsideFolder('/go/src/app')).toBe('go');
    expect(outsideFolder('/workspace/go')).toBeUndefined();
    expect(outsideFolder('go/src')).toBeUndefined();
    expect(sandboxPath('/go/src/app')).toBe('/go/src/app');
  });

  it('refuses a way out, the root folder and the sandbox’s system folders', () => {
    expect(() => workspaceSegments('../other-run')).toThrow('leaves the run workspace');
    expect(() => workspaceSegments('/workspace/../..')).toThrow('leaves the run workspace');
    expect(() => workspaceSegments('/')).toThrow('is the root folder');
    for (const path of ['/etc/passwd', '/proc/1', '/tmp/out', '/usr/local/bin', '/var/lib/x']) {
      expect(() => workspaceSegments(path), path).toThrow("is a system folder of the stage's sandbox");
    }
  });
});
