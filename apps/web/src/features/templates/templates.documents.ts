/** GraphQL documents of the templates page (docs/contract.md §2); the list is the editor's query. */
import { graphql } from '@cyclone/api-contract';

export {
  type StageTemplateSummary,
  StageTemplatesDocument,
  type StageTemplatesResult,
} from '@/features/dag-editor/editor/editor.documents';

export const CreateStageTemplateDocument = graphql(`
  mutation CreateStageTemplate($input: CreateStageTemplateInput!) {
    createStageTemplate(input: $input) {
      id
      name
    }
  }
`);

export const UpdateStageTemplateDocument = graphql(`
  mutation UpdateStageTemplate($input: UpdateStageTemplateInput!) {
    updateStageTemplate(input: $input) {
      id
      name
    }
  }
`);

export const DeleteStageTemplateDocument = graphql(`
  mutation DeleteStageTemplate($input: StageTemplateRefInput!) {
    deleteStageTemplate(input: $input)
  }
`);
