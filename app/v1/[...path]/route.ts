// GET, HEAD, POST, DELETE /v1/{path...}
import { handleIcebergRequest } from '@/lib/iceberg/router';

/** The Apache Iceberg REST catalog API (/v1/config, /v1/oauth/tokens, /v1/{prefix}/…): see lib/iceberg/router.ts. */
export const dynamic = 'force-dynamic';

const handle = (req: Request) => handleIcebergRequest(req);

export { handle as GET, handle as POST, handle as DELETE, handle as HEAD };
