/** An image reference split the way registries address it. */
export interface ImageReference {
  /** Registry host (with port) when the reference names one, e.g. `registry.example.com:5000`. */
  host?: string;
  repository: string;
  /** Tag, or the digest (`sha256:…`) when the reference pins one. */
  reference: string;
}

/**
 * Parses `[host[:port]/]path[:tag][@digest]` like the Docker CLI: the first component
 * is a host when it has a dot or a port or is `localhost`; the tag defaults to
 * `latest`; a digest wins over a tag. Docker Hub's single names get `library/`.
 */
export function parseImageReference(text: string, isDockerHub = false): ImageReference | undefined {
  const trimmed = text.trim().replace(/^[a-z]+:\/\//, '');
  if (!trimmed || /\s/.test(trimmed)) return undefined;
  const [withTag, digest] = trimmed.split('@', 2) as [string, string | undefined];
  const slash = withTag.lastIndexOf('/');
  const colon = withTag.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = hasTag ? withTag.slice(0, colon) : withTag;
  const tag = hasTag ? withTag.slice(colon + 1) : 'latest';
  const parts = name.split('/');
  const first = parts[0] ?? '';
  const isHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = isHost ? first : undefined;
  let repository = (isHost ? parts.slice(1) : parts).join('/');
  if (!repository || !tag) return undefined;
  if (isDockerHub && !repository.includes('/')) repository = `library/${repository}`;
  return { ...(host ? { host } : {}), repository, reference: digest ?? tag };
}
