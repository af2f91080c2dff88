#!/usr/bin/env node
// Writes the seccomp profile of image-build stages (docs/engine.md, "Image builds"):
// the default profile of the containers tools (Debian's containers-common,
// /usr/share/containers/seccomp.json, Apache-2.0), which, unlike Docker's and
// containerd's defaults, lets a process without CAP_SYS_ADMIN make user and mount
// namespaces (unshare, clone, mount, pivot_root, setns), as buildah needs.
//
// Its capability conditions (`includes`/`excludes`) are resolved for a container that
// holds none of the capabilities they name, except CAP_SYS_CHROOT (chroot is what
// buildah's chroot isolation does inside its user namespace), so the result is plain
// OCI seccomp that Docker, Podman and containerd (a Kubernetes `Localhost` profile)
// all read alike.
//
//   node scripts/image-build-seccomp.mjs [/usr/share/containers/seccomp.json]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/run.mjs';

export const PROFILE_PATH = join(repoRoot, 'apps/api/src/controller/executors/image-build-seccomp.json');
const HELD = new Set(['CAP_SYS_CHROOT']);

const source = JSON.parse(readFileSync(process.argv[2] ?? '/usr/share/containers/seccomp.json', 'utf8'));
const applies = (rule) =>
  (rule.includes?.caps ?? []).every((cap) => HELD.has(cap)) &&
  !(rule.excludes?.caps ?? []).some((cap) => HELD.has(cap)) &&
  (rule.excludes?.arches ?? []).length === 0;

const rules = source.syscalls.filter(applies);
// A syscall denied outright (setns without CAP_SYS_ADMIN…) leaves the allow lists too:
// OCI seccomp has no order of rules, a syscall must have one action.
const denied = new Set(rules.filter((r) => r.action !== 'SCMP_ACT_ALLOW' && !r.args?.length).flatMap((r) => r.names));
const syscalls = rules
  .map((rule) =>
    rule.action === 'SCMP_ACT_ALLOW' ? { ...rule, names: rule.names.filter((n) => !denied.has(n)) } : rule,
  )
  .filter((rule) => rule.names.length > 0)
  .map(({ names, action, args, errnoRet }) => ({
    names,
    action,
    ...(args?.length ? { args } : {}),
    ...(errnoRet !== undefined ? { errnoRet } : {}),
  }));
const profile = {
  defaultAction: source.defaultAction,
  defaultErrnoRet: source.defaultErrnoRet,
  archMap: source.archMap,
  syscalls,
};
writeFileSync(PROFILE_PATH, `${JSON.stringify(profile, null, 2)}\n`);
execFileSync('pnpm', ['exec', 'biome', 'format', '--write', PROFILE_PATH], { cwd: repoRoot, stdio: 'ignore' });
process.stdout.write(`${PROFILE_PATH}: ${syscalls.reduce((n, rule) => n + rule.names.length, 0)} syscall rules\n`);
