// swagger-ui-dist ships no types: the part of its ES bundle's API the reference page uses.
declare module 'swagger-ui-dist/swagger-ui-es-bundle' {
  type Options = {
    url: string;
    domNode: HTMLElement;
    deepLinking?: boolean;
    docExpansion?: 'list' | 'full' | 'none';
    filter?: boolean;
    persistAuthorization?: boolean;
    requestInterceptor?: (req: { credentials?: string }) => { credentials?: string };
  };
  const SwaggerUIBundle: (options: Options) => unknown;
  export default SwaggerUIBundle;
}
