/** GraphQL documents and result shapes of the settings pages (members, API tokens, audit log). */

export type TenantRole = 'OWNER' | 'ADMIN' | 'DEVELOPER' | 'VIEWER';
export const TENANT_ROLES: readonly TenantRole[] = ['OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER'];

export interface MemberRow {
  role: TenantRole;
  createdAt: string;
  user: { id: string; email: string; name: string };
}

export interface MembersResult {
  tenant: { name: string; myRole: TenantRole | null; members: MemberRow[] } | null;
}

export const MembersDocument = /* GraphQL */ `
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
`;

export const AddMemberDocument = /* GraphQL */ `
  mutation AddTenantMember($input: AddTenantMemberInput!) {
    addTenantMember(input: $input) {
      role
    }
  }
`;

export const UpdateMemberDocument = /* GraphQL */ `
  mutation UpdateTenantMember($input: UpdateTenantMemberInput!) {
    updateTenantMember(input: $input) {
      role
    }
  }
`;

export const RemoveMemberDocument = /* GraphQL */ `
  mutation RemoveTenantMember($input: RemoveTenantMemberInput!) {
    removeTenantMember(input: $input)
  }
`;

export interface ApiTokenRow {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export const ApiTokensDocument = /* GraphQL */ `
  query ApiTokens {
    apiTokens {
      id
      name
      createdAt
      expiresAt
      lastUsedAt
    }
  }
`;

export interface CreateApiTokenResult {
  createApiToken: { token: string; apiToken: ApiTokenRow };
}

export const CreateApiTokenDocument = /* GraphQL */ `
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        id
        name
        createdAt
        expiresAt
        lastUsedAt
      }
    }
  }
`;

export const RevokeApiTokenDocument = /* GraphQL */ `
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) {
      id
    }
  }
`;

export type AuditOutcome = 'SUCCESS' | 'FAILURE';

export interface AuditEventRow {
  id: string;
  action: string;
  actorEmail: string | null;
  objectType: string;
  objectName: string;
  outcome: AuditOutcome;
  message: string;
  createdAt: string;
}

export interface AuditEventsResult {
  auditEvents: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: AuditEventRow }[];
  };
}

export const AuditEventsDocument = /* GraphQL */ `
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
`;
