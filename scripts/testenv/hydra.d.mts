// Type declarations for hydra.mjs (the single sign-on tests' OpenID Connect provider).

export interface HydraUser {
  email: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
  [claim: string]: unknown;
}

export interface Hydra {
  /** http://127.0.0.1:<port>/ */
  issuer: string;
  adminUrl: string;
  /** The login and consent app Hydra sends browsers to. */
  loginAppUrl: string;
  logFile: string;
  createClient(client: {
    clientId: string;
    clientSecret: string;
    redirectUris: string[];
    scope?: string;
  }): Promise<unknown>;
  setUser(subject: string, claims: HydraUser): void;
  /** Accepts the login of `subject` through the admin API; returns where the browser goes next. */
  acceptLogin(challenge: string, subject: string): Promise<string>;
  /** Grants the requested scopes with the subject's claims in the ID token; returns where the browser goes next. */
  acceptConsent(challenge: string): Promise<string>;
  stop(): Promise<void>;
}

export function hydraBinary(): Promise<string>;
export function startHydra(options?: { users?: Record<string, HydraUser>; binary?: string }): Promise<Hydra>;
