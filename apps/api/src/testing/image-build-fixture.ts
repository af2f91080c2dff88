import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { runHelpers } from './stage-io.js';

type Helpers = ReturnType<typeof runHelpers>;

const CREATE_INTEGRATION = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }';
const CREATE_STAGE = 'mutation($input: CreateStageInput!) { createStage(input: $input) { name } }';
const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind action } }';

/** The tenant's DOCKER_REGISTRY integration `registry`: what the image-build template takes by default. */
export function createRegistryIntegration(
  h: Helpers,
  tenant: string,
  registry: { url: string; username: string; password: string },
) {
  return h.must(CREATE_INTEGRATION, {
    input: {
      tenant,
      name: 'registry',
      type: 'DOCKER_REGISTRY',
      config: { server: registry.url, username: registry.username },
      secret: { password: registry.password },
    },
  });
}

/** A project stage made from the built-in image-build template, its server and user from the integration. */
export function createImageBuildStage(
  h: Helpers,
  scope: { tenant: string; project: string },
  stage: { name: string; imageName: string; workingDir?: string; builderImage: string },
) {
  return h.must(CREATE_STAGE, {
    input: {
      ...scope,
      name: stage.name,
      template: 'image-build',
      arguments: [
        { name: 'image-name', value: stage.imageName },
        { name: 'builder-image', value: stage.builderImage },
      ],
      ...(stage.workingDir ? { workingDir: stage.workingDir } : {}),
    },
  });
}

export function applyYaml(h: Helpers, scope: { tenant: string; project: string }, yaml: string) {
  return h.must(APPLY, { input: { ...scope, yaml } });
}

/**
 * The upstream Cyclone golang example (examples/golang of its code-zoo repository,
 * rewritten): a program with a test and a Dockerfile that copies the static binary into
 * an empty image and runs it once as a RUN step. Committed to a bare repository.
 */
export const GOLANG_EXAMPLE_FILES: Record<string, string> = {
  'golang/go.mod': 'module example.com/golang\n\ngo 1.19\n',
  'golang/main.go': `package main

import (
	"fmt"
	"os"
)

// Greeting is what the example says.
func Greeting(name string) string {
	return "Hello, " + name + "!"
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--check" {
		fmt.Println("check: " + Greeting("image"))
		return
	}
	fmt.Println(Greeting("Cyclone"))
}
`,
  'golang/main_test.go': `package main

import "testing"

func TestGreeting(t *testing.T) {
	if got := Greeting("Cyclone"); got != "Hello, Cyclone!" {
		t.Fatalf("Greeting = %q", got)
	}
}
`,
  'golang/Dockerfile': `FROM scratch
COPY bin/app /app
RUN ["/app", "--check"]
ENTRYPOINT ["/app"]
`,
};

/** A bare repository `code-zoo.git` with the example, in a temporary folder (its parent is the Git root to serve). */
export function createGolangExampleRepository(): { bare: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'cyclone-golang-example-'));
  const work = join(root, 'work');
  const bare = join(root, 'code-zoo.git');
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, stdio: 'pipe' });
  for (const [path, text] of Object.entries(GOLANG_EXAMPLE_FILES)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  git(work, 'init', '-q', '-b', 'master');
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'golang example');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'master', bare]);
  git(work, 'push', '-q', bare, 'master');
  return { bare, root };
}

/**
 * The example's Resource, build and test stages and workflow in Cyclone YAML, as the
 * upstream example-golang.yaml has them (paths under /go/src/examples), with the
 * image stage (made from the image-build template beforehand) after both.
 */
export function golangExampleYaml(options: { gitUrl: string; goImage: string; imageStage: string }): string {
  // Only the first stage takes the Git resource: the later ones find the clone (and the
  // built binary) in the run's shared workspace.
  const stage = (name: string, script: string, takesSource: boolean) => `---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: ${name}}
spec:
  pod:
    inputs:
      resources: ${takesSource ? '[{name: golang-example-codes, path: /go/src/examples}]' : '[]'}
    spec:
      containers:
      - image: ${options.goImage}
        workingDir: ${takesSource ? '/go/src/examples/golang' : '/workspace/go/src/examples/golang'}
        command: [/bin/sh, -e, -c, ${JSON.stringify(script)}]
`;
  return `apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: {name: golang-example-codes}
spec:
  type: Git
  parameters:
  - {name: SCM_URL, value: ${JSON.stringify(options.gitUrl)}}
  - {name: SCM_REVISION, value: master}
${stage('golang-build', 'go build -o ./bin/app . && ./bin/app', true)}${stage('golang-test', 'go test -v ./...', false)}---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: ci-golang}
spec:
  stages:
  - name: golang-build
  - name: golang-test
    depends: [golang-build]
  - name: ${options.imageStage}
    depends: [golang-test]
`;
}
