/** GraphQL documents of the templates page (docs/contract.md §2); the list is the editor's query. */
export {
  type StageTemplateSummary,
  StageTemplatesDocument,
  type StageTemplatesResult,
} from '@/features/dag-editor/editor/editor.documents';

const TEMPLATE_FIELDS = `
  id
  name
`;

export const CreateStageTemplateDocument = /* GraphQL */ `
  mutation CreateStageTemplate($input: CreateStageTemplateInput!) {
    createStageTemplate(input: $input) {
      ${TEMPLATE_FIELDS}
    }
  }
`;

export const UpdateStageTemplateDocument = /* GraphQL */ `
  mutation UpdateStageTemplate($input: UpdateStageTemplateInput!) {
    updateStageTemplate(input: $input) {
      ${TEMPLATE_FIELDS}
    }
  }
`;

export const DeleteStageTemplateDocument = /* GraphQL */ `
  mutation DeleteStageTemplate($input: StageTemplateRefInput!) {
    deleteStageTemplate(input: $input)
  }
`;
