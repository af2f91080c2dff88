/** GraphQL documents of the account page (your password and sessions); result types come from them. */
import { graphql, type ResultOf } from '@cyclone/api-contract';

export const ChangePasswordDocument = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input)
  }
`);

export const SessionsDocument = graphql(`
  query Sessions {
    sessions {
      id
      createdAt
      lastUsedAt
      expiresAt
      userAgent
      clientIp
      isCurrent
    }
  }
`);
export type SessionRow = ResultOf<typeof SessionsDocument>['sessions'][number];

export const RevokeSessionDocument = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

/** Whether you still sign in with the seeded administrator's documented default password. */
export const DefaultPasswordDocument = graphql(`
  query DefaultPassword {
    me {
      id
      hasDefaultPassword
    }
  }
`);
