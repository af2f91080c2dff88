/** GraphQL documents and result types of the auth feature (docs/contract.md §2). */

export interface User {
  id: string;
  email: string;
  name: string | null;
}

export const LoginDocument = /* GraphQL */ `
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      token
      user {
        id
        email
        name
      }
    }
  }
`;
export interface LoginVariables {
  input: { email: string; password: string };
}
export interface LoginResult {
  login: { token: string; user: User };
}

export const MeDocument = /* GraphQL */ `
  query Me {
    me {
      id
      email
      name
    }
  }
`;
export interface MeResult {
  me: User | null;
}
