import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType('RunArtifact', {
  simpleResolvers: true,
  description: "An output artifact of a run's stage, kept in the artifact store.",
})
export class RunArtifactType {
  @Field(() => String, { description: 'The stage that produced it.' })
  stage!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Float, { description: 'Bytes stored: the file, or the tar archive of a directory.' })
  size!: number;

  @Field(() => String, { description: 'SHA-256 (hex) of the bytes stored.' })
  sha256!: string;

  @Field(() => Boolean, { description: 'A directory, downloaded as a tar archive.' })
  isDirectory!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, {
    description:
      'Path on the API server to GET the artifact with the same bearer token: /runs/<run>/artifacts/<stage>/<name>.',
  })
  downloadUrl!: string;
}
