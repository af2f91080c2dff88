import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ResourceType } from '../../generated/prisma/enums.js';
import { NameValueInput, NameValueType } from './name-value.type.js';
import { StoredObjectFields } from './named-object.type.js';
import { ProjectObjectRefInput } from './project.type.js';

registerEnumType(ResourceType, {
  name: 'ResourceType',
  description:
    "Cyclone's built-in resource types (Git, Svn, Image, KV, General, Http in YAML), or REGISTERED: a type the tenant registered (registeredType names it).",
});

@ObjectType('ResourcePersistence', { simpleResolvers: true, description: 'Where a resource is kept between runs.' })
@InputType('ResourcePersistenceInput')
export class ResourcePersistence {
  @Field(() => String)
  pvc!: string;

  @Field(() => String)
  path!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "How the kept copy is brought to a run's revision: IfNotExist incrementally, Always afresh (the default).",
  })
  pullPolicy?: string;
}

@ObjectType('Resource', {
  simpleResolvers: true,
  description: 'A typed input or output of stages: a repository, an image, …',
})
export class ResourceObject extends StoredObjectFields {
  @Field(() => ResourceType)
  type!: ResourceType;

  @Field(() => String, { nullable: true, description: "The registered type's name when type is REGISTERED." })
  registeredType?: string;

  @Field(() => [NameValueType], {
    description:
      'Git: SCM_URL, SCM_REVISION, SCM_AUTH; Svn: SCM_URL, SCM_USER, SCM_PWD; Image: IMAGE; … Secret parameters (SCM_AUTH, SCM_PWD, names ending in PASSWORD, TOKEN or SECRET) are sealed and shown with an empty value; give one an empty value to keep what is stored.',
  })
  parameters!: NameValueType[];

  @Field(() => [String], {
    description: 'Names of the secret parameters that are set (their values are never returned).',
  })
  secretParameters!: string[];

  @Field(() => String, {
    nullable: true,
    description:
      "Image that pulls or pushes the resource (a General resource's; for a registered type, replaces the type's).",
  })
  resolver?: string;

  @Field(() => ResourcePersistence, { nullable: true })
  persistent?: ResourcePersistence;

  @Field(() => String, { nullable: true, description: 'Name of the integration that gives its credentials.' })
  integration?: string;
}

@InputType()
export class CreateResourceInput extends ProjectObjectRefInput {
  @Field(() => String, { description: 'A DNS label, unique in the project.' })
  declare name: string;

  @Field(() => ResourceType)
  type!: ResourceType;

  @Field(() => String, {
    nullable: true,
    description: 'A type the tenant registered (resourceTypes), when type is REGISTERED.',
  })
  registeredType?: string;

  @Field(() => [NameValueInput], { nullable: true })
  parameters?: NameValueInput[];

  @Field(() => String, { nullable: true })
  resolver?: string;

  @Field(() => ResourcePersistence, { nullable: true })
  persistent?: ResourcePersistence;

  @Field(() => String, { nullable: true, description: 'An integration of the same tenant, by name.' })
  integration?: string;
}

@InputType({
  description: 'Fields omitted are unchanged; resolver, persistent and integration set to null are cleared.',
})
export class UpdateResourceInput extends ProjectObjectRefInput {
  @Field(() => ResourceType, { nullable: true })
  type?: ResourceType;

  @Field(() => String, { nullable: true, description: 'Required with type REGISTERED.' })
  registeredType?: string;

  @Field(() => [NameValueInput], { nullable: true, description: 'Replaces every parameter.' })
  parameters?: NameValueInput[];

  @Field(() => String, { nullable: true })
  resolver?: string | null;

  @Field(() => ResourcePersistence, { nullable: true })
  persistent?: ResourcePersistence | null;

  @Field(() => String, { nullable: true })
  integration?: string | null;
}
