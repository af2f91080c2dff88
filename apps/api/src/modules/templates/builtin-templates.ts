import {
  IMAGE_BUILD_SECURITY_CONTEXT,
  type StageDefinition,
  stageDefinitionSchema,
  type TemplateKind,
} from '@cyclone/domain';
import type { IntegrationType } from '../../generated/prisma/enums.js';

export interface BuiltinTemplate {
  name: string;
  kind: TemplateKind;
  description: string;
  /** A stage definition with `{{ argument }}` placeholders; arguments in `inputs.arguments`. */
  spec: StageDefinition;
  /** Arguments filled from an integration of the tenant when the stage leaves them out (integration-arguments.ts). */
  fromIntegration?: IntegrationArguments;
}

export interface IntegrationArguments {
  /** The argument naming the integration. */
  argument: string;
  type: IntegrationType;
  /** Template argument → key of the integration's config. */
  config: Record<string, string>;
}

const shell = (script: string) => ['/bin/sh', '-e', '-c', script];

/**
 * image-build: an auth file for the registry (mode 600, outside the workspace, removed
 * at the end; its contents never printed), then `buildah build` and `buildah push`.
 * An http:// server is reached without TLS.
 */
const IMAGE_BUILD_SCRIPT = [
  'host=$(printf %s "$REGISTRY_SERVER" | sed -e "s|^[a-zA-Z]*://||" -e "s|/.*$||")',
  'case "$REGISTRY_SERVER" in http://*) tls=false ;; *) tls=true ;; esac',
  'auth=$(mktemp)',
  'trap \'rm -f "$auth"\' EXIT',
  'printf \'{"auths":{"%s":{"auth":"%s"}}}\' "$host" "$(printf %s:%s "$REGISTRY_USERNAME" "$REGISTRY_PASSWORD" | base64 | tr -d "\\n")" >"$auth"',
  'buildah --storage-driver="$STORAGE_DRIVER" build --authfile "$auth" --tls-verify="$tls" -f "$DOCKERFILE" -t "$IMAGE" "$CONTEXT"',
  'if [ "$PUSH" = "true" ]; then',
  '  buildah --storage-driver="$STORAGE_DRIVER" push --authfile "$auth" --tls-verify="$tls" "$IMAGE" "docker://$IMAGE"',
  'fi',
].join('\n');

/**
 * A template that runs the `cmd` argument in the `image` argument's container at
 * `workdir` and keeps one path, named by an argument, as an artifact (its spec is
 * parsed with the others below).
 */
function shellCommandTemplate(t: {
  name: 'build' | 'unit-test';
  description: string;
  /** The help text of each argument. */
  image: string;
  cmd: string;
  kept: { argument: string; value: string; description: string; artifact: string };
}) {
  return {
    name: t.name,
    kind: t.name,
    description: t.description,
    spec: {
      name: t.name,
      image: '{{ image }}',
      command: shell('{{{ cmd }}}'),
      workingDir: '{{ workdir }}',
      inputs: {
        arguments: [
          { name: 'image', description: t.image },
          { name: 'cmd', description: t.cmd },
          { name: 'workdir', value: '/workspace', description: 'Where the sources are mounted.' },
          { name: t.kept.argument, value: t.kept.value, description: t.kept.description },
        ],
      },
      outputs: { artifacts: [{ name: t.kept.artifact, path: `{{ ${t.kept.argument} }}` }] },
    },
  };
}

/**
 * The templates every tenant gets. Arguments without a value must be given when a
 * stage is made from the template; the others have sensible defaults. Input
 * resources are left to the stage (they are project objects), outputs are named.
 */

export const BUILTIN_TEMPLATES: readonly BuiltinTemplate[] = [
  shellCommandTemplate({
    name: 'build',
    description: 'Compiles source code with a shell command in a builder image and keeps the output as an artifact.',
    image: "Builder image, e.g. 'golang:1.22-alpine' or 'node:20-alpine'.",
    cmd: "Shell commands run as '/bin/sh -e -c <cmd>'; several lines allowed.",
    kept: {
      argument: 'output-path',
      value: '/workspace/dist',
      description: 'File or folder kept as the "build" artifact.',
      artifact: 'build',
    },
  }),
  shellCommandTemplate({
    name: 'unit-test',
    description: 'Runs the unit tests and keeps the test report as an artifact.',
    image: "Image with the test toolchain, e.g. 'maven:3.9-eclipse-temurin-21'.",
    cmd: "Test commands, e.g. 'go test ./...' or 'npm ci && npm test'.",
    kept: {
      argument: 'report-path',
      value: '/workspace/test-results',
      description: 'Where the tests write their report (JUnit XML or similar).',
      artifact: 'test-report',
    },
  }),
  {
    name: 'image-build',
    kind: 'image-build',
    description:
      'Builds a container image from a Dockerfile with buildah (no Docker daemon) and pushes it with the credentials of a DOCKER_REGISTRY integration of the tenant: its config.server and config.username unless given, its secret password (masked in logs, kept in a private auth file). Runs under the image-build seccomp profile (docs/engine.md, "Image builds"); refused in RESTRICTED tenants.',
    fromIntegration: {
      argument: 'registry',
      type: 'DOCKER_REGISTRY',
      config: { server: 'server', username: 'username' },
    },
    spec: {
      name: 'image-build',
      image: '{{ builder-image }}',
      command: shell(IMAGE_BUILD_SCRIPT),
      workingDir: '{{ workdir }}',
      // Values reach the script as variables, never as shell text.
      env: [
        { name: 'IMAGE', value: '{{ image-name }}' },
        { name: 'DOCKERFILE', value: '{{ dockerfile }}' },
        { name: 'CONTEXT', value: '{{ context }}' },
        { name: 'PUSH', value: '{{ push }}' },
        { name: 'REGISTRY_SERVER', value: '{{ server }}' },
        { name: 'REGISTRY_USERNAME', value: '{{ username }}' },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone secret reference, filled at run time
        { name: 'REGISTRY_PASSWORD', value: '${secrets.{{ registry }}.password}' },
        // Each RUN step in a chroot of its own user namespace, on plain directories: no daemon, no mounts.
        { name: 'BUILDAH_ISOLATION', value: 'chroot' },
        { name: 'STORAGE_DRIVER', value: 'vfs' },
      ],
      inputs: {
        arguments: [
          {
            name: 'image-name',
            description: "Image to build, with its registry and tag, e.g. 'registry.example.com/team/app:v1'.",
          },
          { name: 'dockerfile', value: 'Dockerfile', description: 'Dockerfile, relative to the working directory.' },
          { name: 'context', value: '.', description: 'Build context, relative to the working directory.' },
          { name: 'push', value: 'true', description: "'true' pushes the image after the build." },
          {
            name: 'registry',
            value: 'registry',
            description:
              'Name of the DOCKER_REGISTRY integration whose credentials pull base images and push the image.',
          },
          {
            // No defaults: when the stage leaves them out, the API fills in the integration's
            // config.server and config.username as the stage is made (integration-arguments.ts).
            name: 'server',
            description: "Registry URL; left out, the config.server of the 'registry' integration (http:// skips TLS).",
          },
          {
            name: 'username',
            description: "Registry user; left out, the config.username of the 'registry' integration.",
          },
          { name: 'workdir', value: '/workspace', description: 'Where the sources are mounted.' },
          { name: 'builder-image', value: 'quay.io/buildah/stable:v1.38', description: 'Image that has buildah.' },
        ],
      },
      podSpecExtras: { containers: [{ securityContext: IMAGE_BUILD_SECURITY_CONTEXT }] },
    },
  },
  {
    name: 'sonarqube-scan',
    kind: 'code-scan',
    description:
      'Analyses the code with SonarQube. The server and token come from a SONARQUBE integration of the tenant: the server is its config.server unless given, SONAR_TOKEN its secret token (masked in logs).',
    fromIntegration: { argument: 'sonarqube', type: 'SONARQUBE', config: { server: 'server' } },
    spec: {
      name: 'sonarqube-scan',
      image: '{{ scanner-image }}',
      command: shell(
        'sonar-scanner -Dsonar.host.url={{ server }} -Dsonar.projectKey={{ project-key }} -Dsonar.sources={{ sources }} {{{ extra-options }}}',
      ),
      workingDir: '{{ workdir }}',
      // The scanner reads SONAR_TOKEN itself, so the token never appears in the command line.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone secret reference, filled at run time
      env: [{ name: 'SONAR_TOKEN', value: '${secrets.{{ sonarqube }}.token}' }],
      inputs: {
        arguments: [
          {
            name: 'sonarqube',
            value: 'sonarqube',
            description: 'Name of the SONARQUBE integration whose server and token the scanner uses.',
          },
          {
            // No default here: when the stage leaves it out, the API fills in the
            // integration's config.server as the stage is made (integration-arguments.ts).
            name: 'server',
            description:
              "SonarQube URL; left out, the config.server of the 'sonarqube' integration, e.g. 'https://sonar.example.com'.",
          },
          { name: 'project-key', description: 'Key of the SonarQube project.' },
          { name: 'sources', value: '.', description: 'Source folders to analyse, comma separated.' },
          {
            name: 'extra-options',
            value: '',
            description: "More scanner options, e.g. '-Dsonar.java.binaries=target'.",
          },
          { name: 'workdir', value: '/workspace', description: 'Where the sources are mounted.' },
          { name: 'scanner-image', value: 'sonarsource/sonar-scanner-cli:11', description: 'Scanner image.' },
        ],
      },
    },
  },
  {
    name: 'deploy',
    kind: 'deploy',
    description: 'Rolls a new image out to a Kubernetes deployment and waits until the rollout finishes.',
    spec: {
      name: 'deploy',
      image: '{{ kubectl-image }}',
      command: shell(
        'kubectl -n {{ namespace }} set image deployment/{{ deployment }} {{ container }}={{ new-image }}\nkubectl -n {{ namespace }} rollout status deployment/{{ deployment }} --timeout={{ timeout }}',
      ),
      inputs: {
        arguments: [
          { name: 'namespace', description: 'Namespace of the deployment.' },
          { name: 'deployment', description: 'Name of the deployment.' },
          { name: 'container', description: 'Container of the deployment to update.' },
          { name: 'new-image', description: "Image to roll out, e.g. 'registry.example.com/team/app:v2'." },
          { name: 'timeout', value: '5m', description: 'How long to wait for the rollout.' },
          { name: 'kubectl-image', value: 'bitnami/kubectl:1.31', description: 'Image that has kubectl.' },
        ],
      },
    },
  },
].map((template) => ({ ...template, spec: stageDefinitionSchema.parse(template.spec) }) as BuiltinTemplate);
