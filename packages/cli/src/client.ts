import { type Document, documentText, type VariablesArgs } from '@cyclone/api-contract';
import { ApiError, CliError, unreachable } from './errors.js';

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; problems?: { field?: string; message: string }[] } }[];
}

/** GraphQL over HTTP against one Cyclone API, with its token. */
export class ApiClient {
  constructor(
    readonly server: string,
    readonly token: string | undefined,
  ) {}

  /** Sends a typed document (documents.ts, @cyclone/api-contract); the result is typed from it. */
  async request<TData, TVariables>(
    document: Document<TData, TVariables>,
    ...[variables = {} as TVariables]: VariablesArgs<TVariables>
  ): Promise<TData> {
    const { query, operationName } = documentText(document);
    let response: Response;
    try {
      response = await fetch(`${this.server}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: JSON.stringify({ query, operationName, variables }),
      });
    } catch (error) {
      throw unreachable(this.server, error);
    }
    const text = await response.text();
    let body: GraphQLResponse<TData>;
    try {
      body = JSON.parse(text) as GraphQLResponse<TData>;
    } catch {
      throw new CliError(
        `${this.server} answered HTTP ${response.status} without a GraphQL response: is it the Cyclone API?`,
      );
    }
    const first = body.errors?.[0];
    if (first) throw this.toError(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.message, first.extensions);
    if (!body.data) throw new CliError(`${this.server} answered HTTP ${response.status} without data`);
    return body.data;
  }

  toError(code: string, message: string, extensions?: { problems?: { field?: string; message: string }[] }) {
    const problems = Array.isArray(extensions?.problems) ? extensions.problems : [];
    return new ApiError(code, message, problems, this.token !== undefined);
  }
}
