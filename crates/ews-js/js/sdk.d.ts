export {
  signature,
  stringToSign,
  buildRequest,
  decodeContainerList,
  decodeContainer,
  decodeCommand,
  decodeResponse,
  clockCorrectionMs,
  actionUsual,
  usualActions,
  stateMeaning,
  outcomeOf,
  defaultFollowPolicy,
  CommandFollower,
  CommandWatch,
  RolloutRun,
  restartMayStart,
  ClientCore,
  Call,
} from "./ews_js.js";
export type {
  Action,
  Activity,
  Command,
  CommandStatus,
  Container,
  ContainerList,
  ContainerStatus,
  Credentials,
  FollowPolicy,
  Next,
  OperationName,
  Outcome,
  RolloutPlan,
  RolloutProgress,
  Answered,
  SignedRequest,
  SignMethodName,
  SignParams,
  SkippedItem,
  Step,
} from "./ews_js.js";
export { EwsError, type EwsErrorKind } from "./errors.js";
export { EwsClient, type EwsClientOptions, type FollowOptions, type CallOptions } from "./client.js";
export { init, initSync, isReady, wasmUrl } from "./runtime.js";

import type { usualActions as _usualActions, actionUsual as _actionUsual } from "./ews_js.js";
/** @deprecated The state rule is advice, not a lock: use `usualActions`. */
export declare const allowedActions: typeof _usualActions;
/** @deprecated The state rule is advice, not a lock: use `actionUsual`. */
export declare const actionAllowed: typeof _actionUsual;
