/** GraphQL documents of the auth feature (docs/contract.md §2); result types come from them. */
import { graphql, type ResultOf, type VariablesOf } from '@cyclone/api-contract';

export const UserFields = graphql(`
  fragment UserFields on User {
    id
    email
    name
    isAdmin
  }
`);
export type User = ResultOf<typeof UserFields>;

/** Asked with `useCookie: true` and without `token`: the session reaches no script, only the cookie. */
export const LoginDocument = graphql(
  `
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      user {
        ...UserFields
      }
    }
  }
`,
  [UserFields],
);
export type LoginVariables = VariablesOf<typeof LoginDocument>;
export type LoginResult = ResultOf<typeof LoginDocument>;

/** Revokes the session on the server: a copy of the token is refused from then on. */
export const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);

export const MeDocument = graphql(
  `
  query Me {
    me {
      ...UserFields
    }
  }
`,
  [UserFields],
);
export type MeResult = ResultOf<typeof MeDocument>;

/** Asked before signing in: whether to show the password form and the SSO button. */
export const SignInOptionsDocument = graphql(`
  query SignInOptions {
    signInOptions {
      password
      sso {
        name
      }
    }
  }
`);

export const StartSsoSignInDocument = graphql(`
  mutation StartSsoSignIn {
    startSsoSignIn {
      authorizationUrl
      ticket
    }
  }
`);

export const CompleteSsoSignInDocument = graphql(
  `
  mutation CompleteSsoSignIn($input: CompleteSsoSignInInput!) {
    completeSsoSignIn(input: $input) {
      user {
        ...UserFields
      }
    }
  }
`,
  [UserFields],
);
