// Types of tests/support/idp.mjs (plain JavaScript, so Playwright can start it with node as a web server).
export declare const IDP_CLIENT: { id: string; secret: string };
export declare const IDP_MACHINES: string[];
export declare function startIdp(opts: { port?: number; consoleOrigin?: string; audience: string }): Promise<{
  issuer: string;
  port: number;
  setAccount(login: string, claims: Record<string, unknown>): void;
  machineToken(clientId: string, resource: string): Promise<string>;
  close(): Promise<void>;
}>;
