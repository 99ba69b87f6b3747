/** "key=value" lines for a properties textarea. */
export const propertyLines = (props: Record<string, string>) =>
  Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
