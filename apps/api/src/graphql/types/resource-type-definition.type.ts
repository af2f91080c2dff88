import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { NameValueInput, NameValueType } from './name-value.type.js';
import { TenantScopeInput } from './scope.type.js';

export enum ResourceResolvedBy {
  CYCLONE = 'CYCLONE',
  RESOLVER_IMAGE = 'RESOLVER_IMAGE',
}
registerEnumType(ResourceResolvedBy, {
  name: 'ResourceResolvedBy',
  description: "Who pulls and pushes resources of a type: Cyclone itself, or a resolver image (the original's way).",
});

@ObjectType('ResourceTypeParameter', { simpleResolvers: true })
@InputType('ResourceTypeParameterInput')
export class ResourceTypeParameterType {
  @Field(() => String, { description: 'Given to the resolver as an environment variable.' })
  name!: string;

  @Field(() => Boolean, { nullable: true, description: 'Each resource of the type must give (or bind) it.' })
  required?: boolean;

  @Field(() => String, { nullable: true })
  description?: string;
}

@ObjectType('ResourceTypeBind', {
  simpleResolvers: true,
  description: 'How a resource bound to an integration (Resource.integration) takes parameters from its fields.',
})
export class ResourceTypeBindType {
  @Field(() => String, {
    description:
      "The original's SCM, DockerRegistry, SonarQube, Cluster or General, or one of Cyclone's integration types.",
  })
  integrationType!: string;

  @Field(() => [NameValueType], { description: 'Parameter → integration field, e.g. SCM_URL → scm.server.' })
  paramBindings!: NameValueType[];
}

@InputType('ResourceTypeBindInput')
export class ResourceTypeBindInput {
  @Field(() => String)
  integrationType!: string;

  @Field(() => [NameValueInput])
  paramBindings!: NameValueInput[];
}

@ObjectType('ResourceTypeDefinition', {
  simpleResolvers: true,
  description: "A resource type a tenant's resources may have: a built-in, or one the tenant registered.",
})
export class ResourceTypeDefinitionType {
  @Field(() => String, { description: 'What a resource gives as its spec.type (YAML).' })
  type!: string;

  @Field(() => Boolean)
  builtin!: boolean;

  @Field(() => String, { nullable: true, description: "A registered type's document name (metadata.name)." })
  name?: string;

  @Field(() => String)
  description!: string;

  @Field(() => ResourceResolvedBy)
  resolvedBy!: ResourceResolvedBy;

  @Field(() => String, { nullable: true, description: "A registered type's resolver image." })
  resolver?: string;

  @Field(() => [String], { description: 'pull (before a stage that takes one), push (after a stage that gives one).' })
  operations!: string[];

  @Field(() => [ResourceTypeParameterType])
  parameters!: ResourceTypeParameterType[];

  @Field(() => ResourceTypeBindType, { nullable: true })
  bind?: ResourceTypeBindType;
}

@InputType('ResourceTypeRefInput')
export class ResourceTypeRefInput extends TenantScopeInput {
  @Field(() => String)
  type!: string;
}

@InputType('ResourceTypeInput', {
  description:
    'A registered resource type, by tenant and type; on update, fields omitted are unchanged (bind: null clears).',
})
export class ResourceTypeInput extends ResourceTypeRefInput {
  @Field(() => String, { description: 'Not one of the built-ins (Git, Svn, Image, KV, General, Http).' })
  declare type: string;

  @Field(() => String, { nullable: true, description: 'A DNS label; default resource-type-<type>.' })
  name?: string;

  @Field(() => String, { nullable: true, description: 'Required when creating.' })
  resolver?: string;

  @Field(() => [String], { nullable: true, description: 'pull, push or both; required when creating.' })
  operations?: string[];

  @Field(() => [ResourceTypeParameterType], { nullable: true, description: 'Replaces every parameter.' })
  parameters?: ResourceTypeParameterType[];

  @Field(() => ResourceTypeBindInput, { nullable: true })
  bind?: ResourceTypeBindInput | null;
}
