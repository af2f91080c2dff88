// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Cyclone references in descriptions, not JS templates
import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType('MatrixAxis', {
  simpleResolvers: true,
  description: 'One axis of a matrix stage: each value runs in its own combination, as ${matrix.NAME} and MATRIX_NAME.',
})
@InputType('MatrixAxisInput')
export class MatrixAxisType {
  @Field(() => String, { description: 'A letter or _, then letters, digits, _ or -.' })
  name!: string;

  @Field(() => [String])
  values!: string[];
}

@ObjectType('MatrixValue', { simpleResolvers: true, description: "One value of a matrix combination's stage run." })
export class MatrixValueType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}
