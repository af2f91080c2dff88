import { describe, expect, it } from 'vitest';
import { buildsImages, IMAGE_BUILD_SECURITY_CONTEXT, imageBuildRefusal } from './image-builds.js';

describe('image builds', () => {
  it('is a stage whose workload container (the entry without an image) names the image-build profile', () => {
    expect(buildsImages({ containers: [{ securityContext: IMAGE_BUILD_SECURITY_CONTEXT }] })).toBe(true);
    expect(buildsImages(undefined)).toBe(false);
    expect(buildsImages({ containers: [{ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }] })).toBe(
      false,
    );
    // A sidecar naming it does not make the stage an image build.
    expect(buildsImages({ containers: [{ image: 'x', securityContext: IMAGE_BUILD_SECURITY_CONTEXT }] })).toBe(false);
    expect(
      buildsImages({
        containers: [{ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'other.json' } } }],
      }),
    ).toBe(false);
  });

  it('is refused for RESTRICTED tenants, saying why and what to do', () => {
    expect(imageBuildRefusal('image', 'BASELINE')).toBeUndefined();
    expect(imageBuildRefusal('image', 'RESTRICTED')).toMatch(
      /^stage "image" builds images \(seccomp profile cyclone\/image-build\.json\).*RESTRICTED.*non-root.*BASELINE$/,
    );
  });
});
