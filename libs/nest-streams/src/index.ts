// Public API of @platform/nest-streams: the Nest adapter of @platform/streams.
export { StreamsModule } from './streams.module';
export type { StreamsModuleOptions } from './options';
export { QueryRouter } from './query-router.service';
export type { RouteOptions, RouteOutcome, OwnerOutcome, ListPart, GatherListOptions } from './query-router.service';
export { PeerClient } from './peer-client';
export type { PeerReply, PeerCallOptions } from './peer-client';
export { HealthController } from './health.controller';
export type { HealthReport } from './health.controller';
export { WriteProbe } from './write-probe';
export type { WriteProbeOptions, WriteReadiness } from './write-probe';
export { STREAMS_APPLICATION } from './tokens';
export { FORWARDED_HEADER, POSITION_HEADER, failureAnswer, jsonAnswer, unavailable, parsePosition, formatPosition } from './answers';
export { sendAnswer } from './http';
export { replyAnswer, sendOutcome } from './reply';
export type { Reply } from './reply';
export type { HttpAnswer, HttpRequest, HttpResponse } from './http';
export { MAX_POSITION_HEADER_LENGTH, checkPosition, inputPartitions, parsePositionHeader, partitionsOfCounts } from './position';
export type { KnownPartitions, ParsedPosition, PositionCheck } from './position';
