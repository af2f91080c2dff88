/** GraphQL documents of the settings pages (members, API tokens, audit log); result types come from them. */
import { graphql, type ResultOf } from '@cyclone/api-contract';

export const TENANT_ROLES: readonly TenantRole[] = ['OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER'];

export const MembersDocument = graphql(`
  query TenantMembers($tenant: String!) {
    tenant(name: $tenant) {
      name
      myRole
      members {
        role
        createdAt
        user {
          id
          email
          name
        }
      }
    }
  }
`);
export type MembersResult = ResultOf<typeof MembersDocument>;
export type MemberRow = NonNullable<MembersResult['tenant']>['members'][number];
export type TenantRole = MemberRow['role'];

export const AddMemberDocument = graphql(`
  mutation AddTenantMember($input: AddTenantMemberInput!) {
    addTenantMember(input: $input) {
      role
    }
  }
`);

export const UpdateMemberDocument = graphql(`
  mutation UpdateTenantMember($input: UpdateTenantMemberInput!) {
    updateTenantMember(input: $input) {
      role
    }
  }
`);

export const RemoveMemberDocument = graphql(`
  mutation RemoveTenantMember($input: RemoveTenantMemberInput!) {
    removeTenantMember(input: $input)
  }
`);

const ApiTokenFields = graphql(`
  fragment ApiTokenFields on ApiToken {
    id
    name
    createdAt
    expiresAt
    lastUsedAt
  }
`);
export type ApiTokenRow = ResultOf<typeof ApiTokenFields>;

export const ApiTokensDocument = graphql(
  `
  query ApiTokens {
    apiTokens {
      ...ApiTokenFields
    }
  }
`,
  [ApiTokenFields],
);

export const CreateApiTokenDocument = graphql(
  `
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        ...ApiTokenFields
      }
    }
  }
`,
  [ApiTokenFields],
);
export type CreateApiTokenResult = ResultOf<typeof CreateApiTokenDocument>;

export const RevokeApiTokenDocument = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) {
      id
    }
  }
`);

export const AuditEventsDocument = graphql(`
  query AuditEvents($tenant: String!, $first: Int, $after: String, $filter: AuditEventFilter) {
    auditEvents(tenant: $tenant, first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          action
          actorEmail
          objectType
          objectName
          outcome
          message
          createdAt
        }
      }
    }
  }
`);
export type AuditEventsResult = ResultOf<typeof AuditEventsDocument>;
export type AuditEventRow = AuditEventsResult['auditEvents']['edges'][number]['node'];
export type AuditOutcome = AuditEventRow['outcome'];
