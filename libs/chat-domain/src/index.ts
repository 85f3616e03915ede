// Errors
export { ChatDomainError, FilterSyntaxError, InvalidCursorError, InvalidPageSizeError, InvalidSubjectError, InvalidMetadataError, MessageNotResendableError } from './errors';

// Deterministic ids
export { nameUuid, channelId, conversationId, messageId, metadataRecordId, isUuid } from './ids';

// Metadata model
export {
  metadataSubjectKinds,
  MetadataKeys,
  isSubjectKind,
  formatSubject,
  parseSubject,
  subjectOf,
  splitKey,
  safeKeySegments,
  valueTypeOf,
  metadataRecord,
  metadataUpsert,
  metadataRemoval,
  recordIdOf,
  readMetadataValue,
  tagKey,
  tagIdOfKey,
  flattenMetadata,
  isPlainObject,
} from './metadata';
export type { MetadataSubjectKind, MetadataSubject, MetadataValue, MetadataObject, MetadataChange } from './metadata';
export { applyMetadataEntry, assembleMetadata, metadataLeaves, metadataAt } from './metadata-document';
export type { MetadataEntries } from './metadata-document';

// Prototype safety of user-keyed objects
export { reservedKeys, isReservedKey, ReservedKeyError, checkKey, checkKeysDeep, findReservedKey, ownValue, nullObject, parseJsonSafely } from './safe-keys';

// Messages
export { isSameOrNewerVersion, resendMessage, withDeliveryState, parseMessageContent, compareMessagesNewestFirst, isLaterMessage, checkStoredMessage } from './message';

// Conversations
export { emptyConversation, hasMessages, unreadCount, applyMessage, applyMetadata, applyReadReceipt, upgradeConversationState } from './conversation';
export type { ConversationState, UnreadAfter } from './conversation';
export { conversationView, compareConversations, sourceDisplayName, defaultDisplayName } from './conversation-view';
export type { ConversationView, ConversationViewOptions } from './conversation-view';
export { listConversations, listConversationsCooperatively, matchConversationsCooperatively, conversationSortKey, listSliceMs } from './conversation-list';
export type { ConversationListRequest } from './conversation-list';

// Filter language
export { parseFilter, parseDate, maxFilterLength, maxFilterDepth, maxFilterTerms, maxFilterTermLength, maxFilterWildcards } from './filter/parser';
export { compileFilter, matchesFilter, maxMatchedFieldLength } from './filter/evaluator';
export { compileGlob } from './filter/glob';
export type { GlobMatcher } from './filter/glob';
export type { ConversationPredicate } from './filter/evaluator';
export { filterFields, metadataFieldPrefix, defaultFilterField, fieldKind } from './filter/ast';
export type { FilterNode, RangeBound, FieldKind } from './filter/ast';

// Pagination
export { encodeCursor, decodeCursor, resolvePageRequest, paginate, partialResult, mergePartialResults, compareSortKeys } from './pagination';
export type { PageRequest, PaginationData, Page, PaginationOptions, PageWindow, PageStart, PartialResult, SortKey } from './pagination';

// Size budgets (limits.ts has the arithmetic)
export {
  changelogRecordLimitBytes,
  maxMessageContentBytes,
  maxStoredMessageBytes,
  maxMessageIdJsonBytes,
  maxUnreadRecount,
  maxMetadataUpsertBytes,
  maxConversationMetadataBytes,
  maxMessageMetadataBytes,
  maxChannelMetadataBytes,
  maxTemplateContentBytes,
  maxTagNameLength,
  maxNameLength,
  maxIdLength,
  maxUrlLength,
  maxSourceLength,
  maxStateLength,
  maxRequestBodyBytes,
  maxConversationRecordBytes,
  conversationFixedBytes,
  SizeLimitError,
  utf8ByteLength,
  jsonByteLength,
  checkSize,
} from './limits';
export { metadataBudget, metadataEntriesBytes, applyBudgetedMetadataEntry, checkMetadataUpsert } from './metadata-budget';
export type { BudgetedSubjectKind } from './metadata-budget';

// Payloads and validation
export {
  isoDate,
  messagePayload,
  senderOf,
  channelPayload,
  conversationPayload,
  tagPayload,
  tagColorToApi,
  tagColorFromApi,
  apiTagColors,
  templatePayload,
  errorPayload,
} from './payloads';
export type {
  SenderPayload,
  MessagePayload,
  MessagePayloadOptions,
  ChannelPayload,
  ConversationPayload,
  ConversationPayloadOptions,
  TagPayload,
  TemplatePayload,
  ApiTagColor,
} from './payloads';
export { bodySchema, validateBody } from './validation';
export type { FieldRule, BodySchema, BodyOf, ValidationResult } from './validation';
export { requestSchemas, validateRequest } from './requests';
export type { RequestName, RequestBody } from './requests';
export { responseSpecs, responseComponents } from './responses';
export type { ResponseSpec, ResponseSchema } from './responses';
