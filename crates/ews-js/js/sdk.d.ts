export {
  signature,
  stringToSign,
  buildRequest,
  decodeContainerList,
  decodeContainer,
  decodeCommand,
  decodeResponse,
  clockCorrectionMs,
  actionAllowed,
  allowedActions,
  outcomeOf,
  defaultFollowPolicy,
  CommandFollower,
  ClientCore,
  Call,
} from "./ews_js.js";
export type {
  Action,
  Activity,
  Command,
  CommandStatus,
  Container,
  ContainerStatus,
  Credentials,
  FollowPolicy,
  Next,
  OperationName,
  Outcome,
  Answered,
  SignedRequest,
  SignMethodName,
  SignParams,
  Step,
} from "./ews_js.js";
export { EwsError, type EwsErrorKind } from "./errors.js";
export { EwsClient, type EwsClientOptions, type FollowOptions, type CallOptions } from "./client.js";
export { init, initSync, isReady, wasmUrl } from "./runtime.js";
