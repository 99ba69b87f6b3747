/**
 * Storage failures answer in the Iceberg REST error model, `{ "error": { "message", "type", "code" } }`, because the
 * REST catalog is where most of them surface: clients (Java, PyIceberg, iceberg-js) decide what to do from the status
 * and `type`, so every failure maps to one of the spec's types. The protocol's other helpers are in lib/iceberg/errors.ts.
 */
export type IcebergErrorType =
  | 'BadRequestException'
  | 'NotAuthorizedException'
  | 'ForbiddenException'
  | 'NoSuchNamespaceException'
  | 'NoSuchTableException'
  | 'NoSuchViewException'
  | 'NotFoundException'
  | 'AlreadyExistsException'
  | 'NamespaceNotEmptyException'
  | 'CommitFailedException'
  | 'UnsupportedOperationException'
  | 'NotImplementedException'
  | 'ServiceUnavailableException'
  | 'InternalServerError'
  | 'UnprocessableEntityException';

export class IcebergError extends Error {
  constructor(
    readonly status: number,
    readonly type: IcebergErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'IcebergError';
  }
}

export const badRequest = (message: string) => new IcebergError(400, 'BadRequestException', message);
