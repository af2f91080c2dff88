/**
 * Hook scripts for servers without a webhook API (SVN, plain Git). They POST to
 * Cyclone in its own delivery format, signed like GitHub: header
 * `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body with the webhookSecret>`,
 * `X-Cyclone-Event` (svn-commit | git-push) and `X-Cyclone-Delivery` (unique per event).
 * The secret is not written into the script: paste it where the script says.
 */
export function svnPostCommitScript(options: { url: string; repo: string }): string {
  return `#!/bin/sh
# Cyclone post-commit hook: save as <repository>/hooks/post-commit and chmod +x.
REPOS="$1"
REV="$2"
URL=${shellQuote(options.url)}
REPO=${shellQuote(options.repo)}
SECRET="\${CYCLONE_WEBHOOK_SECRET:-PASTE-THE-INTEGRATION-WEBHOOK-SECRET-HERE}"
UUID=$(svnlook uuid "$REPOS")
CHANGED=$(svnlook changed -r "$REV" "$REPOS" | head -n 500 | cut -c5- | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g; s/.*/"&"/' | paste -sd, -)
BODY=$(printf '{"repo":"%s","revision":"%s","changed":[%s]}' "$REPO" "$REV" "$CHANGED")
SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= *//')
curl -fsS -m 10 -X POST "$URL" \\
  -H 'Content-Type: application/json' \\
  -H 'X-Cyclone-Event: svn-commit' \\
  -H "X-Cyclone-Delivery: $UUID-r$REV" \\
  -H "X-Hub-Signature-256: sha256=$SIG" \\
  --data-binary "$BODY" >/dev/null || echo "cyclone: webhook delivery failed" >&2
exit 0
`;
}

export function gitPostReceiveScript(options: { url: string; repo: string }): string {
  return `#!/bin/sh
# Cyclone post-receive hook: save as <bare repository>/hooks/post-receive and chmod +x.
URL=${shellQuote(options.url)}
REPO=${shellQuote(options.repo)}
SECRET="\${CYCLONE_WEBHOOK_SECRET:-PASTE-THE-INTEGRATION-WEBHOOK-SECRET-HERE}"
while read -r OLD NEW REF; do
  BODY=$(printf '{"repo":"%s","ref":"%s","before":"%s","after":"%s"}' "$REPO" "$REF" "$OLD" "$NEW")
  SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= *//')
  curl -fsS -m 10 -X POST "$URL" \\
    -H 'Content-Type: application/json' \\
    -H 'X-Cyclone-Event: git-push' \\
    -H "X-Cyclone-Delivery: $NEW-$(printf '%s' "$REF" | openssl dgst -sha256 | sed 's/^.*= *//' | cut -c1-16)" \\
    -H "X-Hub-Signature-256: sha256=$SIG" \\
    --data-binary "$BODY" >/dev/null || echo "cyclone: webhook delivery failed" >&2
done
exit 0
`;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
