import type { TestApi } from './test-api.js';

const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id email } }';
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';

/** Creates a user through `createUser` (as the admin) and signs them in; returns their session token. */
export async function createUserAndLogin(
  api: Pick<TestApi, 'graphql'>,
  adminToken: string,
  email: string,
): Promise<string> {
  const password = `password-of-${email}`;
  const created = await api.graphql(CREATE_USER, { input: { email, password } }, adminToken);
  if (created.errors) throw new Error(`createUser failed: ${JSON.stringify(created.errors)}`);
  const login = await api.graphql<{ login: { token: string } }>(LOGIN, { input: { email, password } });
  if (!login.data) throw new Error(`login failed: ${JSON.stringify(login.errors)}`);
  return login.data.login.token;
}
